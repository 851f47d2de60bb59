using System.Text;

namespace NeuralCore.Tests.IO;

/// <summary>Hand-written <c>.npy</c> files for the parser tests.</summary>
internal static class NpyBytes
{
    /// <summary>A v1.0 file with <paramref name="header"/> as its dictionary, padded like NumPy's so only the header content differs.</summary>
    public static byte[] WithHeader(string header, byte[] data)
    {
        var text = header + new string(' ', 63 - ((10 + header.Length) % 64)) + "\n";
        return [0x93, .. "NUMPY"u8, 1, 0, (byte)(text.Length & 0xFF), (byte)(text.Length >> 8), .. Encoding.ASCII.GetBytes(text), .. data];
    }
}
