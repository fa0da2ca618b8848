namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Switches outside the op vocabulary (TensorFlow's <c>tf.config</c>): whether functions run eagerly, and where
    /// <see cref="Print"/> and the library's warnings write.
    /// </summary>
    public static class Config
    {
        private static volatile bool s_runFunctionsEagerly;
        private static volatile TextWriter? s_printOutput;
        private static volatile TextWriter? s_warningOutput;

        /// <summary>
        /// Makes every <see cref="Function{T1, TResult}(Func{T1, TResult}, TensorSpec[], bool, string)"/> run its C# body
        /// eagerly instead of its graph (TensorFlow's <c>tf.config.run_functions_eagerly</c>), for debugging.
        /// </summary>
        public static void RunFunctionsEagerly(bool enabled) => s_runFunctionsEagerly = enabled;

        /// <summary>Whether functions run their C# body eagerly (TensorFlow's <c>tf.config.functions_run_eagerly()</c>).</summary>
        public static bool FunctionsRunEagerly => s_runFunctionsEagerly;

        /// <summary>Where <see cref="Print"/> writes: standard error unless set, as TensorFlow's <c>tf.print</c>.</summary>
        public static TextWriter PrintOutput
        {
            get => s_printOutput ?? StandardError;
            set => s_printOutput = value;
        }

        /// <summary>Where warnings (a function that retraces too often) are written: standard error unless set; <see cref="TextWriter.Null"/> silences them.</summary>
        public static TextWriter WarningOutput
        {
            get => s_warningOutput ?? StandardError;
            set => s_warningOutput = value;
        }

        // tf.print and TensorFlow's warnings write to standard error: the one place where the core library prints
        // (eng/BannedSymbols.Nabla.txt keeps System.Console out of everything else).
#pragma warning disable RS0030
        private static TextWriter StandardError => Console.Error;
#pragma warning restore RS0030

        internal static void Warn(string message)
        {
            TextWriter output = WarningOutput;
            lock (output)
            {
                output.WriteLine("WARNING: " + message);
            }
        }
    }

    /// <summary>
    /// Runs the ops of the returned scope eagerly, even inside a function being traced, with no tape recording
    /// (TensorFlow's <c>tf.init_scope</c>): how layers create their variables' initial values on a traced first call.
    /// </summary>
    public static IDisposable InitScope() => new InitScopeHandle();

    private sealed class InitScopeHandle : IDisposable
    {
        private readonly ExecutionContext.Scope _context = ExecutionContext.Enter(ExecutionContext.Eager);
        private readonly TapeStack.SuspendScope _tapes = TapeStack.Suspend();
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                _tapes.Dispose();
                _context.Dispose();
            }
        }
    }
}
