namespace Nabla;

/// <summary>
/// The tensors a tape watches (explicitly, or variables read while it records), compared by reference. A tape
/// watches few tensors (the variables of a model), so up to <see cref="LinearLimit"/> they sit in a small array
/// scanned linearly, allocated with the first watch and never hashed; past that a reference-keyed set takes over.
/// A mutable struct held in a field of its tape, which synchronises every access.
/// </summary>
internal struct WatchSet
{
    private const int LinearLimit = 16;

    private Tensor[]? _items;
    private int _count;
    private HashSet<Tensor>? _map;

    /// <summary>The number of watched tensors.</summary>
    public readonly int Count => _map?.Count ?? _count;

    public readonly bool Contains(Tensor tensor)
    {
        if (_map is not null)
        {
            return _map.Contains(tensor);
        }

        Tensor[]? items = _items;
        for (int i = 0; i < _count; i++)
        {
            if (ReferenceEquals(items![i], tensor))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Adds <paramref name="tensor"/> unless present.</summary>
    public void Add(Tensor tensor)
    {
        if (_map is not null)
        {
            _map.Add(tensor);
            return;
        }

        if (Contains(tensor))
        {
            return;
        }

        if (_count == LinearLimit)
        {
            _map = new HashSet<Tensor>(_items!, ReferenceEqualityComparer.Instance) { tensor };
            _items = null;
            _count = 0;
            return;
        }

        if (_items is null || _count == _items.Length)
        {
            Array.Resize(ref _items, _count == 0 ? 4 : _count * 2);
        }

        _items[_count++] = tensor;
    }

    /// <summary>Forgets every tensor that is not a <see cref="Variable"/> (after a non-persistent tape's gradient).</summary>
    public void RemoveNonVariables()
    {
        if (_map is not null)
        {
            if (_map.RemoveWhere(static t => t is not Variable) > 64)
            {
                _map.TrimExcess();
            }

            return;
        }

        if (_items is null)
        {
            return;
        }

        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            if (_items[i] is Variable)
            {
                _items[kept++] = _items[i];
            }
        }

        Array.Clear(_items, kept, _count - kept);
        _count = kept;
    }

    /// <summary>Forgets everything.</summary>
    public void Clear() => this = default;

    /// <summary>Adds the watched variables to <paramref name="result"/>.</summary>
    public readonly void CopyVariablesTo(List<Variable> result)
    {
        if (_map is not null)
        {
            foreach (Tensor t in _map)
            {
                if (t is Variable v)
                {
                    result.Add(v);
                }
            }

            return;
        }

        for (int i = 0; i < _count; i++)
        {
            if (_items![i] is Variable v)
            {
                result.Add(v);
            }
        }
    }
}
