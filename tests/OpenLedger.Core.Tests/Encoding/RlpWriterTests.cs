using OpenLedger.Core.Encoding;
using Xunit;

namespace OpenLedger.Core.Tests.Encoding;

public sealed class RlpWriterTests
{
    [Theory]
    [InlineData(new byte[] { 0x05 })]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xc1, 0x01 })]
    public void Bytes_ended_in_place_equal_the_same_bytes_written_as_a_string(byte[] content) =>
        AssertEndBytesMatchesWriteBytes(content);

    [Theory]
    [InlineData(55)]
    [InlineData(56)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(70_000)]
    public void Long_contents_ended_in_place_get_the_long_string_header(int length)
    {
        var content = new byte[length];
        new Random(length).NextBytes(content);
        AssertEndBytesMatchesWriteBytes(content);
    }

    private static void AssertEndBytesMatchesWriteBytes(byte[] content)
    {
        // Written after a prefix and inside a list, into a buffer too small to start with (the writer grows).
        var inPlace = new RlpWriter(new byte[4]);
        var list = inPlace.BeginList();
        inPlace.WriteUInt64(7);
        var item = inPlace.BeginList();
        foreach (var b in content) inPlace.WriteEncoded([b]);
        inPlace.EndBytes(item);
        inPlace.EndList(list);

        var copied = new RlpWriter();
        var copiedList = copied.BeginList();
        copied.WriteUInt64(7);
        copied.WriteBytes(content);
        copied.EndList(copiedList);

        Assert.Equal(copied.WrittenSpan.ToArray(), inPlace.WrittenSpan.ToArray());
    }
}
