using Nabla.Keras.Distribute;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras;

public partial class Model
{
    private PolymorphicFunction<Func<Tensor, Tensor, (Tensor, Tensor)>>? _trainFunction;
    private PolymorphicFunction<Func<Tensor, Tensor, (Tensor, Tensor)>>? _testFunction;
    private PolymorphicFunction<Func<Tensor, Tensor>>? _predictFunction;

    // The steps of several inputs or outputs (Model.Outputs.cs): the same traced functions over lists of tensors, traced
    // once per structure, dtypes and shapes (a null sample weight is a constant of the trace, a tensor an input). Their
    // result is a tuple, which a traced function returns as its structure.
    private PolymorphicFunction<Func<Tensor[], Tensor[], Tensor?, (Tensor Total, Tensor?[] PerOutput, Tensor[] Predictions)>>? _trainOutputsFunction;
    private PolymorphicFunction<Func<Tensor[], Tensor[], Tensor?, (Tensor Total, Tensor?[] PerOutput, Tensor[] Predictions)>>? _testOutputsFunction;
    private PolymorphicFunction<Func<Tensor[], Tensor[]>>? _predictOutputsFunction;

    /// <summary>
    /// Whether <c>Fit</c>, <c>Evaluate</c>, <c>Predict</c> and <see cref="TrainOnBatch(Tensor, Tensor, bool)"/> run their
    /// steps eagerly, op by op (Keras's <c>run_eagerly</c>). False by default: each step is a traced
    /// <see cref="Tf.Function{T1, T2, TResult}(Func{T1, T2, TResult}, TensorSpec[], bool, string)"/>, traced once per
    /// batch shape (the last, smaller batch of an epoch traces once more) and run as an optimized graph, for models of
    /// one tensor in and out as for those of several inputs or outputs (lists, dictionaries, dataset elements). Steps run
    /// eagerly anyway under <see cref="Tf.Config.RunFunctionsEagerly"/> and under a distribution strategy; a subclass
    /// that overrides <see cref="TrainStep"/> runs its own code.
    /// </summary>
    public bool RunEagerly { get; set; }

    /// <summary>Forgets the traced steps (a new optimizer, loss or metrics make new graphs).</summary>
    private void ResetTracedSteps()
    {
        _trainFunction = null;
        _testFunction = null;
        _predictFunction = null;
        _trainOutputsFunction = null;
        _testOutputsFunction = null;
        _predictOutputsFunction = null;
    }

    // Steps are traced unless run eagerly or distributed (the strategy's collectives run eagerly between steps). A
    // subclass overriding TrainStep runs its own code, traced only where it calls the base.
    private bool TracesSteps => !RunEagerly && (DistributeStrategy ?? Distribution.Current) is null;

    /// <summary>One training step's loss (penalties included) and predictions, traced unless run eagerly.</summary>
    private (Tensor Loss, Tensor Predictions) RunTrainStep(Tensor x, Tensor y, Optimizer optimizer, Losses.Loss loss)
    {
        if (!TracesSteps)
        {
            return ComputeTrainStep(x, y, optimizer, loss);
        }

        optimizer.PrepareTracedStep();
        _trainFunction ??= Tf.Function((Tensor bx, Tensor by) => ComputeTrainStep(bx, by, optimizer, loss), name: "train_function");
        return _trainFunction.Invoke(x, y);
    }

    /// <summary>One evaluation step's loss (penalties included) and predictions, traced unless run eagerly.</summary>
    private (Tensor Loss, Tensor Predictions) RunTestStep(Tensor x, Tensor y, Losses.Loss loss)
    {
        if (!TracesSteps)
        {
            return ComputeTestStep(x, y, loss);
        }

        _testFunction ??= Tf.Function((Tensor bx, Tensor by) => ComputeTestStep(bx, by, loss), name: "test_function");
        return _testFunction.Invoke(x, y);
    }

    /// <summary>One prediction step, traced unless run eagerly.</summary>
    private Tensor RunPredictStep(Tensor x)
    {
        if (!TracesSteps)
        {
            return Apply(x, training: false);
        }

        _predictFunction ??= Tf.Function((Tensor bx) => Apply(bx, training: false), name: "predict_function");
        return _predictFunction.Invoke(x);
    }

    // Forward in training mode, loss plus penalties, gradients, update: the body of TrainStep as tensors.
    private (Tensor Loss, Tensor Predictions) ComputeTrainStep(Tensor x, Tensor y, Optimizer optimizer, Losses.Loss loss)
    {
        Tensor value;
        Tensor yPred;
        var tape = new GradientTape();
        using (tape)
        {
            yPred = Apply(x, training: true);
            value = loss.Call(y, yPred);
            if (value.Rank > 0)
            {
                value = Tf.ReduceMean(value);
            }

            value = AddRegularizationLosses(value);
        }

        ApplyLossGradients(tape, value, optimizer);
        return (value, yPred);
    }

    // The gradients of the loss a tape recorded, applied to the trainable variables.
    private void ApplyLossGradients(GradientTape tape, Tensor loss, Optimizer optimizer)
    {
        // Under a distribution strategy, each gradient may start its all-reduce as soon as the backward pass has it.
        IReadOnlyList<Variable> variables = TrainableVariables;
        GradientReadyCallback? ready = Distribution.Current?.GradientReadyHook(variables);
        Tensor?[] gradients = tape.Gradient([loss], [.. variables], gradientReady: ready);
        optimizer.ApplyGradients(gradients, variables);
    }

    private (Tensor Loss, Tensor Predictions) ComputeTestStep(Tensor x, Tensor y, Losses.Loss loss)
    {
        Tensor yPred = Apply(x, training: false);
        Tensor value = loss.Call(y, yPred);
        value = AddRegularizationLosses(value.Rank > 0 ? Tf.ReduceMean(value) : value);
        return (value, yPred);
    }

    /// <summary>One training step on a batch of several inputs or outputs, traced unless run eagerly.</summary>
    private (Tensor Total, Tensor?[] PerOutput, Tensor[] Predictions) RunTrainStepOn(Tensor[] x, Tensor[] y, Tensor? sampleWeight,
        Optimizer optimizer)
    {
        if (!TracesSteps)
        {
            return ComputeTrainStepOn(x, y, sampleWeight, optimizer);
        }

        optimizer.PrepareTracedStep();
        _trainOutputsFunction ??= Tf.Function((Tensor[] bx, Tensor[] by, Tensor? bw) => ComputeTrainStepOn(bx, by, bw, optimizer), name: "train_function");
        return _trainOutputsFunction.Invoke(x, y, sampleWeight);
    }

    /// <summary>One evaluation step on a batch of several inputs or outputs, traced unless run eagerly.</summary>
    private (Tensor Total, Tensor?[] PerOutput, Tensor[] Predictions) RunTestStepOn(Tensor[] x, Tensor[] y, Tensor? sampleWeight)
    {
        if (!TracesSteps)
        {
            return OutputsLoss(x, y, sampleWeight, training: false);
        }

        _testOutputsFunction ??= Tf.Function((Tensor[] bx, Tensor[] by, Tensor? bw) => OutputsLoss(bx, by, bw, training: false), name: "test_function");
        return _testOutputsFunction.Invoke(x, y, sampleWeight);
    }

    /// <summary>One prediction step of every output, traced unless run eagerly.</summary>
    private Tensor[] RunPredictStepOn(Tensor[] x)
    {
        if (!TracesSteps)
        {
            return ApplyOutputs(x, training: false);
        }

        _predictOutputsFunction ??= Tf.Function((Tensor[] bx) => ApplyOutputs(bx, training: false), name: "predict_function");
        return _predictOutputsFunction.Invoke(x);
    }

    // Forward in training mode over every output, the weighted sum of their losses plus penalties, gradients, update.
    private (Tensor Total, Tensor?[] PerOutput, Tensor[] Predictions) ComputeTrainStepOn(Tensor[] x, Tensor[] y, Tensor? sampleWeight,
        Optimizer optimizer)
    {
        (Tensor Total, Tensor?[] PerOutput, Tensor[] Predictions) step;
        var tape = new GradientTape();
        using (tape)
        {
            step = OutputsLoss(x, y, sampleWeight, training: true);
        }

        ApplyLossGradients(tape, step.Total, optimizer);
        return step;
    }
}
