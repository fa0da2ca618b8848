// Layer names come from process-wide counters (as in Keras), so tests that assert names must not race.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
