using Nabla.Distributed.TestWorker;

// Runs one scenario on this rank; a scenario checks its own results and throws when one is wrong, so a rank that
// prints "PASS <scenario> <rank>/<size>" and exits 0 has seen everything it expected.
if (args.Length == 0 || !Scenarios.All.TryGetValue(args[0], out Action<string[]>? scenario))
{
    Console.Error.WriteLine($"usage: Nabla.Distributed.TestWorker <scenario> [args]; scenarios: {string.Join(", ", Scenarios.All.Keys)}");
    return 2;
}

scenario(args[1..]);
Console.Out.Flush();
return 0;
