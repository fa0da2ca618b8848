namespace Nabla.Onnx.Tests.Export;

/// <summary>The test classes that build Keras models (and reset Keras's name counters): run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class KerasModelsGroup
{
    public const string Name = "Keras models";
}
