using System.Numerics;

namespace OpenLedger.Network.Encoding;

/// <summary>Base58 with the Bitcoin alphabet (multibase "base58btc"), used to print peer ids.</summary>
public static class Base58
{
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static readonly sbyte[] Index = BuildIndex();

    private static sbyte[] BuildIndex()
    {
        var index = new sbyte[128];
        Array.Fill(index, (sbyte)-1);
        for (int i = 0; i < Alphabet.Length; i++) index[Alphabet[i]] = (sbyte)i;
        return index;
    }

    public static string Encode(ReadOnlySpan<byte> data)
    {
        int zeros = 0;
        while (zeros < data.Length && data[zeros] == 0) zeros++;
        var value = new BigInteger(data, isUnsigned: true, isBigEndian: true);
        var chars = new List<char>(data.Length * 138 / 100 + 1);
        while (value > 0)
        {
            value = BigInteger.DivRem(value, 58, out BigInteger remainder);
            chars.Add(Alphabet[(int)remainder]);
        }
        for (int i = 0; i < zeros; i++) chars.Add('1');
        chars.Reverse();
        return new string(chars.ToArray());
    }

    public static byte[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int zeros = 0;
        while (zeros < text.Length && text[zeros] == '1') zeros++;
        BigInteger value = BigInteger.Zero;
        foreach (char c in text)
        {
            int digit = c < 128 ? Index[c] : -1;
            if (digit < 0) throw new FormatException($"'{c}' is not a base58btc character");
            value = value * 58 + digit;
        }
        byte[] body = value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var result = new byte[zeros + body.Length];
        body.CopyTo(result, zeros);
        return result;
    }
}
