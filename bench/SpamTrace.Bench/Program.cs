using BenchmarkDotNet.Running;
using SpamTrace.Bench.LogGen;

if (args.Length > 0 && args[0] == "generate")
{
    return GenerateCommand.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "pipeline")
{
    return SpamTrace.Bench.PipelineCommand.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "judge")
{
    return SpamTrace.Bench.JudgeCommand.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "correlate")
{
    return SpamTrace.Bench.CorrelateCommand.Run(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
