namespace Nabla.Onnx;

/// <summary>
/// ONNX's signal operators. DFT and STFT are products with the (N × K) cosine and sine matrices of the transform,
/// computed on the host in float64 from the (known) lengths, so they stay differentiable and trace; the windows and
/// MelWeightMatrix depend on their (known) sizes only and are constants computed as ONNX's reference does.
/// </summary>
internal static partial class OnnxOperators
{
    private static void AddSignal(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["HannWindow"] = One(n => Window(n, [0.5, 0.5]));
        ops["HammingWindow"] = One(n => Window(n, [25.0 / 46, 21.0 / 46]));
        ops["BlackmanWindow"] = One(n => Window(n, [0.42, 0.5, 0.08]));
        ops["MelWeightMatrix"] = One(MelWeightMatrix);
        ops["DFT"] = One(Dft);
        ops["STFT"] = One(Stft);
    }

    /// <summary>A cosine-sum window a₀ − a₁·cos(2πn/N) + a₂·cos(4πn/N); N is the size (periodic) or size − 1 (symmetric).</summary>
    private static Tensor Window(NodeContext n, double[] coefficients)
    {
        int size = n.StaticInts(0)[0];
        double period = n.Int("periodic", 1) != 0 ? size : size - 1;
        var values = new double[size];
        for (int i = 0; i < size; i++)
        {
            double sign = 1;
            for (int k = 0; k < coefficients.Length; k++)
            {
                values[i] += sign * coefficients[k] * Math.Cos(2 * Math.PI * k * i / period);
                sign = -sign;
            }
        }

        return Tf.Cast(Tf.Constant(values, new Shape(size)), n.HasAttribute("output_datatype") ? DTypeAttribute(n, "output_datatype") : DType.Float32);
    }

    /// <summary>
    /// The (dft_length / 2 + 1, num_mel_bins) matrix of triangular filters between the mel-spaced frequencies, as ONNX's
    /// reference computes it (bin edges rounded down to spectrogram bins).
    /// </summary>
    private static Tensor MelWeightMatrix(NodeContext n)
    {
        int bins = n.StaticInts(0)[0], dftLength = n.StaticInts(1)[0], sampleRate = n.StaticInts(2)[0];
        double lower = n.StaticDoubles(3)[0], upper = n.StaticDoubles(4)[0];
        int spectrogramBins = (dftLength / 2) + 1;
        double lowMel = 2595 * Math.Log10(1 + (lower / 700)), highMel = 2595 * Math.Log10(1 + (upper / 700));
        double melStep = (highMel - lowMel) / (bins + 2);
        var edges = new int[bins + 2];
        for (int i = 0; i < edges.Length; i++)
        {
            double hertz = 700 * (Math.Pow(10, ((i * melStep) + lowMel) / 2595) - 1);
            edges[i] = (int)Math.Floor((dftLength + 1) * hertz / sampleRate);
        }

        var weights = new double[spectrogramBins * bins];
        for (int m = 0; m < bins; m++)
        {
            int left = edges[m], center = edges[m + 1], right = edges[m + 2];
            if (center == left)
            {
                weights[(center * bins) + m] = 1;
            }
            else
            {
                for (int j = left; j <= center; j++)
                {
                    weights[(j * bins) + m] = (double)(j - left) / (center - left);
                }
            }

            for (int j = center; j < right; j++)
            {
                weights[(j * bins) + m] = (double)(right - j) / (right - center);
            }
        }

        DType dtype = n.HasAttribute("output_datatype") ? DTypeAttribute(n, "output_datatype") : DType.Float32;
        return Tf.Cast(Tf.Constant(weights, new Shape(spectrogramBins, bins)), dtype);
    }

    private static Tensor Dft(NodeContext n)
    {
        Tensor x = n.Input(0);
        int axis = n.Axis(n.Int32("axis", 1), x.Rank);
        if (axis == x.Rank - 1)
        {
            throw new ArgumentException($"{n.What}: axis {axis} is the real/imaginary axis of the input of shape {x.Shape}.");
        }

        int length = n.OptionalInput(1) is null ? x.Shape[axis] : n.StaticInts(1)[0];
        return Dft(n, x, axis, length, n.Int("inverse", 0) != 0, n.Int("onesided", 0) != 0);
    }

    /// <summary>The transform of <paramref name="x"/> (..., 1 or 2) along <paramref name="axis"/>, zero-padded or cut to <paramref name="length"/>.</summary>
    private static Tensor Dft(NodeContext n, Tensor x, int axis, int length, bool inverse, bool onesided)
    {
        int components = x.Shape[x.Rank - 1];
        if (components is not (1 or 2))
        {
            throw new ArgumentException($"{n.What}: the last axis holds the real (1) or real and imaginary (2) parts, got shape {x.Shape}.");
        }

        // Pad or cut the signal axis to the transform's length, then move it last.
        int have = x.Shape[axis];
        x = have < length ? PadAxis(x, axis, 0, length - have, "CONSTANT", 0)
            : have > length ? Tf.Slice(x, new int[x.Rank], [.. x.Shape.Select((d, i) => i == axis ? length : d)]) : x;
        int[] perm = [.. Enumerable.Range(0, x.Rank - 1).Where(i => i != axis), axis];
        Tensor[] parts = Tf.Unstack(x, x.Rank - 1);
        Tensor real = Tf.Transpose(parts[0], perm), imaginary = components == 2 ? Tf.Transpose(parts[1], perm) : Tf.ZerosLike(real);

        int bins = onesided ? (length / 2) + 1 : length;
        var cos = new double[length * bins];
        var sin = new double[length * bins];
        double scale = inverse ? 1.0 / length : 1.0;
        for (int t = 0; t < length; t++)
        {
            for (int k = 0; k < bins; k++)
            {
                // (t·k) mod N keeps the angle small, so the host's cosine is as exact as it can be.
                double angle = 2 * Math.PI * (((long)t * k) % length) / length;
                cos[(t * bins) + k] = scale * Math.Cos(angle);
                sin[(t * bins) + k] = scale * Math.Sin(angle) * (inverse ? -1 : 1);
            }
        }

        Tensor c = Tf.Cast(Tf.Constant(cos, new Shape(length, bins)), x.DType), s = Tf.Cast(Tf.Constant(sin, new Shape(length, bins)), x.DType);
        // X(k) = Σ x(t)·e^(∓2πitk/N): re = Σ re·cos + im·sin, im = Σ im·cos − re·sin (signs flipped for the inverse via s).
        Tensor outReal = Product(real, c) + Product(imaginary, s);
        Tensor outImaginary = Product(imaginary, c) - Product(real, s);
        int[] back = InversePermutation(perm);
        return Tf.Stack([Tf.Transpose(outReal, back), Tf.Transpose(outImaginary, back)], -1);
    }

    /// <summary>(..., N) · (N, K) → (..., K).</summary>
    private static Tensor Product(Tensor x, Tensor matrix)
    {
        int[] dims = [.. x.Shape];
        Tensor flat = Tf.Reshape(x, [-1, dims[^1]]);
        dims[^1] = matrix.Shape[1];
        return Tf.Reshape(Tf.MatMul(flat, matrix), dims);
    }

    private static int[] InversePermutation(int[] perm)
    {
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++)
        {
            inverse[perm[i]] = i;
        }

        return inverse;
    }

    /// <summary>
    /// STFT(signal (batch, length, 1|2), frame_step, window?, frame_length?): the DFT of each windowed frame,
    /// (batch, frames, bins, 2), frames = 1 + (length − frame_length) / frame_step; one-sided by default.
    /// </summary>
    private static Tensor Stft(NodeContext n)
    {
        Tensor signal = n.Input(0);
        int step = n.StaticInts(1)[0];
        Tensor? window = n.OptionalInput(2);
        int frameLength = n.OptionalInput(3) is not null ? n.StaticInts(3)[0]
            : window?.Shape[0] ?? throw new ArgumentException($"{n.What}: neither a window nor a frame length is given.");
        int frames = 1 + ((signal.Shape[1] - frameLength) / step);
        if (signal.Rank != 3 || frames < 1 || step < 1)
        {
            throw new ArgumentException($"{n.What}: cannot cut frames of {frameLength} every {step} from a signal of shape {signal.Shape}.");
        }

        var starts = new long[frames * frameLength];
        for (int f = 0; f < frames; f++)
        {
            for (int t = 0; t < frameLength; t++)
            {
                starts[(f * frameLength) + t] = ((long)f * step) + t;
            }
        }

        Tensor framed = Tf.Gather(signal, Tf.Constant(starts, new Shape(frames, frameLength)), axis: 1);   // (batch, frames, L, c)
        if (window is not null)
        {
            framed *= Tf.Reshape(Tf.Cast(window, signal.DType), [1, 1, frameLength, 1]);
        }

        return Dft(n, framed, 2, frameLength, inverse: false, onesided: n.Int("onesided", 1) != 0);
    }
}
