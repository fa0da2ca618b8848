using System.Globalization;
using System.Runtime.InteropServices;

namespace Nabla.Tests.Tensors;

/// <summary>
/// Large tensor arrays are advised to use 2 MiB pages on Linux (<see cref="HugePageAdvice"/>): the advice reaches the
/// kernel (the mapping that holds the array carries the huge-page flag), small arrays are left alone, and contents
/// are what the ops wrote, zeroed where zeros were asked for.
/// </summary>
public class HugePageAdviceTests
{
    private const int LargeFloats = 4 << 20; // 16 MiB

    [Fact]
    public void LargeTensor_OnLinux_IsAdvisedAndItsMappingCarriesTheHugePageFlag()
    {
        if (!HugePageAdvice.Enabled)
        {
            Assert.False(HugePageAdvice.Advise(new float[LargeFloats], (long)LargeFloats * sizeof(float)));
            return;
        }

        Tensor t = Tf.Fill([LargeFloats], 1.5f) * 2f; // the product's output is a fresh array, advised when allocated
        var buffer = (float[])t.Buffer;
        string flags = VmFlagsOf(buffer);
        Assert.True(flags.Split(' ').Contains("hg"), $"VmFlags of the mapping holding the array: '{flags}'");
        Assert.All(buffer, value => Assert.Equal(3f, value));
    }

    [Fact]
    public void Advise_LargeArrayOnLinux_IsAcceptedBySystem()
    {
        var array = new float[LargeFloats];
        Assert.Equal(HugePageAdvice.Enabled, HugePageAdvice.Advise(array, (long)array.Length * sizeof(float)));
    }

    [Fact]
    public void SmallArray_IsNotAdvised()
    {
        int floats = (int)(HugePageAdvice.MinimumBytes / sizeof(float)) - 1;
        Assert.False(HugePageAdvice.Advise(new float[floats], (long)floats * sizeof(float)));
    }

    [Theory]
    [InlineData(1 << 10)]
    [InlineData(LargeFloats)]
    [InlineData(LargeFloats + 3)]
    public void Zeros_SmallAndLarge_AreAllZero(int size)
    {
        var buffer = (float[])Tf.Zeros([size]).Buffer;
        Assert.Equal(size, buffer.Length);
        Assert.Equal(-1, buffer.AsSpan().IndexOfAnyExcept(0f));
    }

    // The VmFlags line of the /proc/self/smaps entry whose address range holds the array's first element.
    private static string VmFlagsOf(float[] array)
    {
        GCHandle pin = GCHandle.Alloc(array, GCHandleType.Pinned);
        ulong address = (ulong)pin.AddrOfPinnedObject();
        pin.Free();

        bool inside = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            int dash = line.IndexOf('-', StringComparison.Ordinal);
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong start)
                && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong end))
            {
                inside = address >= start && address < end;
            }
            else if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal))
            {
                return line["VmFlags:".Length..].Trim();
            }
        }

        return "(no mapping found)";
    }
}
