using System.Runtime.InteropServices;

namespace Nabla.Distributed.Native;

/// <summary>
/// The part of the MPI C API that Nabla.Distributed calls, bound at run time to Open MPI's <c>libmpi.so.40</c>
/// (Open MPI 4 and 5, Debian's <c>libopenmpi3</c>) through unmanaged function pointers: no marshalling stub per
/// call, and nothing is loaded in a process that was not started by an MPI launcher. Open MPI's handles
/// (<c>MPI_Comm</c>, <c>MPI_Datatype</c>, <c>MPI_Op</c>, <c>MPI_Request</c>) are pointers to predefined global
/// objects, read here with <see cref="NativeLibrary.GetExport"/>. (MPI.NET 1.4.0 was tried first: it hard-codes
/// MS-MPI's integer handles and crashes against Open MPI; docs/DISTRIBUTED.md has the details.)
/// </summary>
internal sealed unsafe class OpenMpi
{
    /// <summary><c>MPI_SUCCESS</c>.</summary>
    public const int Success = 0;

    /// <summary><c>MPI_THREAD_SERIALIZED</c>: any thread may call MPI, one at a time (<see cref="MpiWorld"/> locks).</summary>
    public const int ThreadSerialized = 2;

    /// <summary>MPI_THREAD_MULTIPLE: any thread may call MPI at any time (a watchdog beside a blocking collective).</summary>
    public const int ThreadMultiple = 3;

    /// <summary><c>MPI_ANY_SOURCE</c> and <c>MPI_ANY_TAG</c> in Open MPI.</summary>
    public const int Any = -1;

    /// <summary><c>MPI_IN_PLACE</c> in Open MPI.</summary>
    public static readonly void* InPlace = (void*)1;

    private OpenMpi(nint library)
    {
        Library = library;
        Initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized");
        Finalized = (delegate* unmanaged<int*, int>)Export("MPI_Finalized");
        InitThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Export("MPI_Init_thread");
        Finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
        Abort = (delegate* unmanaged<nint, int, int>)Export("MPI_Abort");
        CommRank = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_size");
        CommDup = (delegate* unmanaged<nint, nint*, int>)Export("MPI_Comm_dup");
        CommSetErrhandler = (delegate* unmanaged<nint, nint, int>)Export("MPI_Comm_set_errhandler");
        ErrorString = (delegate* unmanaged<int, byte*, int*, int>)Export("MPI_Error_string");
        Allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)Export("MPI_Allreduce");
        Iallreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int>)Export("MPI_Iallreduce");
        Ibcast = (delegate* unmanaged<void*, int, nint, int, nint, nint*, int>)Export("MPI_Ibcast");
        Iallgather = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, nint*, int>)Export("MPI_Iallgather");
        Iallgatherv = (delegate* unmanaged<void*, int, nint, void*, int*, int*, nint, nint, nint*, int>)Export("MPI_Iallgatherv");
        Test = (delegate* unmanaged<nint*, int*, Status*, int>)Export("MPI_Test");
        Isend = (delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int>)Export("MPI_Isend");
        Iprobe = (delegate* unmanaged<int, int, nint, int*, Status*, int>)Export("MPI_Iprobe");
        Recv = (delegate* unmanaged<void*, int, nint, int, int, nint, Status*, int>)Export("MPI_Recv");
        GetCount = (delegate* unmanaged<Status*, nint, int*, int>)Export("MPI_Get_count");
        OpCreate = (delegate* unmanaged<delegate* unmanaged<void*, void*, int*, nint*, void>, int, nint*, int>)Export("MPI_Op_create");
        RequestFree = (delegate* unmanaged<nint*, int>)Export("MPI_Request_free");

        CommWorld = Export("ompi_mpi_comm_world");
        ErrorsReturn = Export("ompi_mpi_errors_return");
        Byte = Export("ompi_mpi_byte");
        UInt16 = Export("ompi_mpi_uint16_t");
        Int32 = Export("ompi_mpi_int32_t");
        Int64 = Export("ompi_mpi_int64_t");
        Float = Export("ompi_mpi_float");
        Double = Export("ompi_mpi_double");
        OpSum = Export("ompi_mpi_op_sum");
        OpMax = Export("ompi_mpi_op_max");
    }

    public nint Library { get; }

    public delegate* unmanaged<int*, int> Initialized { get; }

    public delegate* unmanaged<int*, int> Finalized { get; }

    public delegate* unmanaged<int*, byte***, int, int*, int> InitThread { get; }

    public delegate* unmanaged<int> Finalize { get; }

    public delegate* unmanaged<nint, int, int> Abort { get; }

    public delegate* unmanaged<nint, int*, int> CommRank { get; }

    public delegate* unmanaged<nint, int*, int> CommSize { get; }

    public delegate* unmanaged<nint, nint*, int> CommDup { get; }

    public delegate* unmanaged<nint, nint, int> CommSetErrhandler { get; }

    public delegate* unmanaged<int, byte*, int*, int> ErrorString { get; }

    public delegate* unmanaged<void*, void*, int, nint, nint, nint, int> Allreduce { get; }

    public delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int> Iallreduce { get; }

    public delegate* unmanaged<void*, int, nint, int, nint, nint*, int> Ibcast { get; }

    public delegate* unmanaged<void*, int, nint, void*, int, nint, nint, nint*, int> Iallgather { get; }

    public delegate* unmanaged<void*, int, nint, void*, int*, int*, nint, nint, nint*, int> Iallgatherv { get; }

    public delegate* unmanaged<nint*, int*, Status*, int> Test { get; }

    public delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int> Isend { get; }

    public delegate* unmanaged<int, int, nint, int*, Status*, int> Iprobe { get; }

    public delegate* unmanaged<void*, int, nint, int, int, nint, Status*, int> Recv { get; }

    public delegate* unmanaged<Status*, nint, int*, int> GetCount { get; }

    public delegate* unmanaged<delegate* unmanaged<void*, void*, int*, nint*, void>, int, nint*, int> OpCreate { get; }

    public delegate* unmanaged<nint*, int> RequestFree { get; }

    /// <summary><c>MPI_COMM_WORLD</c>.</summary>
    public nint CommWorld { get; }

    /// <summary><c>MPI_ERRORS_RETURN</c>: errors come back as codes (and become exceptions) instead of aborting.</summary>
    public nint ErrorsReturn { get; }

    public nint Byte { get; }

    public nint UInt16 { get; }

    public nint Int32 { get; }

    public nint Int64 { get; }

    public nint Float { get; }

    public nint Double { get; }

    public nint OpSum { get; }

    public nint OpMax { get; }

    /// <summary>
    /// Loads Open MPI: the library named by <c>NABLA_MPI_LIBRARY</c>, else <c>libmpi.so.40</c>, else <c>libmpi.so</c>.
    /// </summary>
    /// <exception cref="DllNotFoundException">When no MPI library loads, with what to install.</exception>
    public static OpenMpi Load()
    {
        string? configured = Environment.GetEnvironmentVariable("NABLA_MPI_LIBRARY");
        string[] candidates = configured is { Length: > 0 } ? [configured] : ["libmpi.so.40", "libmpi.so", "libmpi.40.dylib"];
        foreach (string name in candidates)
        {
            if (NativeLibrary.TryLoad(name, out nint handle))
            {
                if (!NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out _))
                {
                    throw new DllNotFoundException(
                        $"Nabla.Distributed: '{name}' is an MPI library but not Open MPI (no ompi_mpi_comm_world): only Open MPI's ABI is bound. " +
                        "Install Open MPI (Debian: apt-get install openmpi-bin libopenmpi-dev) or set NABLA_MPI_LIBRARY to its libmpi.so.");
                }

                return new OpenMpi(handle);
            }
        }

        throw new DllNotFoundException(
            $"Nabla.Distributed: this process was started by an MPI launcher but no Open MPI library loads (tried {string.Join(", ", candidates)}). " +
            "Install Open MPI (Debian: apt-get install openmpi-bin libopenmpi-dev) or set NABLA_MPI_LIBRARY to the path of libmpi.so.");
    }

    /// <summary>The text of an MPI error code (<c>MPI_Error_string</c>).</summary>
    public string DescribeError(int code)
    {
        byte* text = stackalloc byte[512];
        int length = 0;
        return ErrorString(code, text, &length) == Success ? Marshal.PtrToStringUTF8((nint)text, length) : $"MPI error {code}";
    }

    private nint Export(string name) => NativeLibrary.GetExport(Library, name);

    /// <summary>Open MPI's <c>MPI_Status</c>: three public ints, then its private cancel flag and byte count.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Status
    {
        public int Source;
        public int Tag;
        public int Error;
        public int Cancelled;
        public nuint ByteCount;
    }
}
