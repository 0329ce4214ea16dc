namespace SpamTrace.WebScan.Decoding;

/// <summary>Text recovered from a file by undoing an obvious encoding layer; <see cref="How"/> says which ones ("base64 > gzinflate").</summary>
public sealed record DecodedLayer(string How, string Text, int Depth);
