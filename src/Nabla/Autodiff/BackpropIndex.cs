namespace Nabla;

/// <summary>
/// The tensors of one backprop (those reachable from the sources), numbered in insertion order, with one
/// gradient slot each. Small sets, the usual case, are found by a linear scan of references: no hashing,
/// so no identity hash code is ever installed on the many short-lived tensors a gradient creates; past
/// <see cref="LinearLimit"/> tensors a reference-keyed dictionary takes over. Instances are reused per thread.
/// </summary>
internal sealed class BackpropIndex
{
    private const int LinearLimit = 32;

    private Tensor[] _keys = new Tensor[16];
    private Tensor?[] _grads = new Tensor?[16];
    private Dictionary<Tensor, int>? _map;
    private int _count;

    public int Count => _count;

    /// <summary>The gradient slots, one per tensor, in insertion order.</summary>
    public Span<Tensor?> Grads => _grads.AsSpan(0, _count);

    /// <summary>The number of <paramref name="tensor"/>, or -1 when it is not in the set.</summary>
    public int IndexOf(Tensor tensor)
    {
        if (_map is not null)
        {
            return _map.TryGetValue(tensor, out int found) ? found : -1;
        }

        Tensor[] keys = _keys;
        for (int i = 0; i < _count; i++)
        {
            if (ReferenceEquals(keys[i], tensor))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Adds <paramref name="tensor"/> unless present.</summary>
    public void Add(Tensor tensor)
    {
        if (IndexOf(tensor) >= 0)
        {
            return;
        }

        if (_count == _keys.Length)
        {
            Array.Resize(ref _keys, _count * 2);
            Array.Resize(ref _grads, _count * 2);
        }

        _keys[_count] = tensor;
        if (_map is not null)
        {
            _map.Add(tensor, _count);
        }
        else if (_count + 1 > LinearLimit)
        {
            _map = new Dictionary<Tensor, int>(_count * 2, ReferenceEqualityComparer.Instance);
            for (int i = 0; i <= _count; i++)
            {
                _map.Add(_keys[i], i);
            }
        }

        _count++;
    }

    /// <summary>Empties every gradient slot (between the passes of a Jacobian).</summary>
    public void ClearGrads() => Array.Clear(_grads, 0, _count);

    /// <summary>Forgets everything (before going back to the pool); false when too big to be worth keeping.</summary>
    public bool Reset()
    {
        if (_count > 1024)
        {
            return false;
        }

        Array.Clear(_keys, 0, _count);
        Array.Clear(_grads, 0, _count);
        _map = null;
        _count = 0;
        return true;
    }
}
