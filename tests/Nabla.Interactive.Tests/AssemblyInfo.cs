// The formatters are process-wide (.NET Interactive's Formatter is static) and the notebook run sets the current
// directory, as a notebook host does: the tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
