namespace Nabla;

// How a tape is shared between the flows that record on it, and where its entries live.
public sealed partial class GradientTape
{
    // The locks of tapes shared by several threads, striped by owner thread: a tape allocates no lock of its own.
    private static readonly object[] s_locks = CreateLocks();

    // Synchronisation (see Enter/Exit): the thread that created the tape touches its state without a lock until
    // another thread touches it; from then on (_shared) every access locks.
    private readonly int _ownerThread = Environment.CurrentManagedThreadId;
    private int _shared;
    private int _busy;

    /// <summary>
    /// Enters the tape's state. The creating thread, while no other thread has touched the tape, only flags
    /// itself busy (no atomic instruction): true, and <see cref="Exit"/> clears the flag. Any other thread first
    /// makes the tape shared: it sets <c>_shared</c>, runs a process-wide memory barrier (so the owner either
    /// sees the flag or has its busy flag visible) and waits out the owner's current section; from then on
    /// every access, the owner's included, takes the tape's lock (false).
    /// </summary>
    private bool Enter()
    {
        if (Environment.CurrentManagedThreadId == _ownerThread && Volatile.Read(ref _shared) == 0)
        {
            Volatile.Write(ref _busy, 1);
            if (Volatile.Read(ref _shared) == 0)
            {
                return true;
            }

            Volatile.Write(ref _busy, 0);
        }

        object gate = s_locks[_ownerThread & (s_locks.Length - 1)];
        Monitor.Enter(gate);
        if (Volatile.Read(ref _shared) == 0)
        {
            Volatile.Write(ref _shared, 1);
            Interlocked.MemoryBarrierProcessWide();
            var spin = default(SpinWait);
            while (Volatile.Read(ref _busy) != 0)
            {
                spin.SpinOnce();
            }
        }

        return false;
    }

    private void Exit(bool fast)
    {
        if (fast)
        {
            Volatile.Write(ref _busy, 0);
        }
        else
        {
            Monitor.Exit(s_locks[_ownerThread & (s_locks.Length - 1)]);
        }
    }

    private static object[] CreateLocks()
    {
        var locks = new object[16];
        for (int i = 0; i < locks.Length; i++)
        {
            locks[i] = new object();
        }

        return locks;
    }

    /// <summary>
    /// What the tape recorded since it started or was last reset, and the identity of that recording: tensors it
    /// produced are marked with this object, so replacing it (<see cref="Reset"/>, the end of a non-persistent
    /// gradient) forgets every mark at once.
    /// </summary>
    private sealed class Recording
    {
        // Entry arrays of finished non-persistent tapes, kept per thread for the next tapes (nested tapes take two).
        private const int MaxSpareLength = 256;

        [ThreadStatic]
        private static TapeEntry[]? t_spare0;

        [ThreadStatic]
        private static TapeEntry[]? t_spare1;

        public TapeEntry[] Items { get; private set; } = [];

        public int Count { get; private set; }

        /// <summary>
        /// Gives the entry array to this thread's spares, emptied. Only when nothing can read it any more: the
        /// tape has replaced this recording (inside its Enter/Exit) and no backprop is walking it.
        /// </summary>
        public void Release()
        {
            _leases?.ReturnAll();
            TapeEntry[] items = Items;
            Items = [];
            if (items.Length is 0 or > MaxSpareLength)
            {
                return;
            }

            Array.Clear(items, 0, Count);
            Count = 0;
            if (t_spare0 is null)
            {
                t_spare0 = items;
            }
            else if (t_spare1 is null || t_spare1.Length < items.Length)
            {
                t_spare1 = items;
            }
        }

        /// <summary>Appends an entry (inside the tape's Enter/Exit); the first entry reserves room for a few.</summary>
        public void Append(in TapeEntry entry)
        {
            // A variable's value lent to an eager op stays readable while this recording keeps it (Variable.Leases.cs).
            if (entry.Output is LentRead read)
            {
                Lease(read.Variable);
            }

            foreach (Tensor input in entry.Inputs)
            {
                if (input is LentRead lent)
                {
                    Lease(lent.Variable);
                }
            }

            TapeEntry[] items = Items;
            int count = Count;
            if (count == 0 && items.Length == 0 && TakeSpare() is { } spare)
            {
                Items = items = spare;
            }
            else if (count == items.Length)
            {
                // A new array, never a write into the old one: a backprop may be walking it.
                var grown = new TapeEntry[count == 0 ? 8 : count * 2];
                if (count > 0)
                {
                    items.AsSpan().CopyTo(grown);
                }

                Items = items = grown;
            }

            items[count] = entry;
            Count = count + 1;
        }

        private Leases? _leases;

        private void Lease(Variable variable) => (_leases ??= new Leases()).Add(variable);

        private static TapeEntry[]? TakeSpare()
        {
            TapeEntry[]? spare = t_spare1;
            if (spare is not null)
            {
                t_spare1 = null;
                return spare;
            }

            spare = t_spare0;
            t_spare0 = null;
            return spare;
        }
    }

    /// <summary>
    /// The leases a recording holds on the variables whose lent reads it keeps: returned when the recording is let
    /// go (<see cref="Recording.Release"/>), or when it is collected (a persistent tape dropped, a tape whose gradient
    /// was never taken): by then nothing can read what it kept.
    /// </summary>
    private sealed class Leases
    {
        private Variable[] _variables = new Variable[4];
        private int _count;
        private int _returned;

        ~Leases() => ReturnAll();

        /// <summary>Takes a lease on <paramref name="variable"/> unless this recording already holds one (inside the tape's Enter/Exit).</summary>
        public void Add(Variable variable)
        {
            for (int i = 0; i < _count; i++)
            {
                if (ReferenceEquals(_variables[i], variable))
                {
                    return;
                }
            }

            if (_count == _variables.Length)
            {
                Array.Resize(ref _variables, _count * 2);
            }

            variable.AddLease();
            _variables[_count++] = variable;
        }

        /// <summary>Returns every lease, once.</summary>
        public void ReturnAll()
        {
            if (Interlocked.Exchange(ref _returned, 1) != 0)
            {
                return;
            }

            for (int i = 0; i < _count; i++)
            {
                _variables[i].ReturnLease();
            }

            // Not an IDisposable: the recording returns its leases when it is let go, and the finalizer is the fallback.
#pragma warning disable CA1816
            GC.SuppressFinalize(this);
#pragma warning restore CA1816
        }
    }
}
