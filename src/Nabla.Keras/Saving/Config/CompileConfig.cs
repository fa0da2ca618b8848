using System.Text.Json.Nodes;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;
using static Nabla.Keras.Saving.Config.KerasConfig;

namespace Nabla.Keras.Saving.Config;

/// <summary>
/// A model's <c>compile_config</c> as Keras 3 writes it: the optimizer (<c>keras.optimizers.Adam</c> with
/// <c>learning_rate</c>, <c>beta_1</c>...), the loss (<c>keras.losses.SparseCategoricalCrossentropy</c> with
/// <c>from_logits</c>...), the metrics by name; and back, to compile a loaded model as it was.
/// </summary>
internal static class CompileConfig
{
    /// <summary>The compile config, or null for a model that was not compiled (or compiled per output, which is not written yet).</summary>
    /// <exception cref="NotSupportedException">For an optimizer, schedule or loss Keras could not name.</exception>
    public static JsonObject? Serialize(Model model)
    {
        if (model.Optimizer is not { } optimizer || model.Loss is not { } loss || model.OutputNames.Count > 1)
        {
            return null;
        }

        return new JsonObject
        {
            ["optimizer"] = Optimizer(optimizer),
            ["loss"] = Loss(loss),
            ["loss_weights"] = null,
            ["metrics"] = new JsonArray([.. model.Metrics.Skip(1).Select(m => (JsonNode)JsonValue.Create(m.Name))]),
            ["weighted_metrics"] = null,
            ["run_eagerly"] = model.RunEagerly,
            ["steps_per_execution"] = 1,
            ["jit_compile"] = false,
        };
    }

    /// <summary>Compiles <paramref name="model"/> from a compile config.</summary>
    public static void Compile(Model model, JsonObject config)
    {
        Optimizer optimizer = OptimizerOf(config["optimizer"]);
        Loss loss = LossOf(config["loss"]);
        List<object> metrics = config["metrics"] is JsonArray list ? [.. list.Select(m => (object)(m?.GetValue<string>() ?? throw Bad("a metric", "is null")))] : [];
        model.Compile(optimizer, loss, metrics, Optional(config, "run_eagerly", false));
    }

    private static JsonObject Optimizer(Optimizer optimizer)
    {
        if (optimizer.Schedule is { } schedule)
        {
            throw new NotSupportedException($"{optimizer.Name}: its learning-rate schedule {schedule.GetType().Name} cannot be written to a .keras file yet; save with a constant rate.");
        }

        JsonObject config = new()
        {
            ["name"] = Backend.ToSnakeCase(optimizer.GetType().Name),
            ["learning_rate"] = optimizer.LearningRate,
            ["weight_decay"] = optimizer.WeightDecay,
            ["clipnorm"] = optimizer.ClipNorm,
            ["global_clipnorm"] = optimizer.GlobalClipNorm,
            ["clipvalue"] = optimizer.ClipValue,
            ["use_ema"] = false,
            ["ema_momentum"] = 0.99,
            ["ema_overwrite_frequency"] = null,
            ["loss_scale_factor"] = null,
            ["gradient_accumulation_steps"] = null,
        };
        switch (optimizer)
        {
            case Adam adam:
                config["beta_1"] = adam.Beta1;
                config["beta_2"] = adam.Beta2;
                config["epsilon"] = adam.Epsilon;
                config["amsgrad"] = adam.Amsgrad;
                break;
            case SGD sgd:
                config["momentum"] = sgd.Momentum;
                config["nesterov"] = sgd.Nesterov;
                break;
            case RMSprop rms:
                config["rho"] = rms.Rho;
                config["momentum"] = rms.Momentum;
                config["epsilon"] = rms.Epsilon;
                config["centered"] = rms.Centered;
                break;
            case Adagrad adagrad:
                config["initial_accumulator_value"] = adagrad.InitialAccumulatorValue;
                config["epsilon"] = adagrad.Epsilon;
                break;
            default:
                throw new NotSupportedException($"Optimizer {optimizer.GetType().Name} cannot be written to a .keras file (Adam, AdamW, SGD, RMSprop and Adagrad can).");
        }

        return Object("keras.optimizers", optimizer.GetType().Name, config);
    }

    private static Optimizer OptimizerOf(JsonNode? node)
    {
        if (node is JsonValue name)
        {
            return OptimizerRegistry.Get(name.GetValue<string>());
        }

        JsonObject serialized = node as JsonObject ?? throw Bad("the compile config", "has no optimizer");
        JsonObject c = serialized["config"] as JsonObject ?? [];
        double? clipNorm = Optional<double?>(c, "clipnorm", null), clipValue = Optional<double?>(c, "clipvalue", null);
        double? globalClipNorm = Optional<double?>(c, "global_clipnorm", null), weightDecay = Optional<double?>(c, "weight_decay", null);
        double rate = c["learning_rate"] is JsonValue lr ? lr.GetValue<double>() : throw Bad("the optimizer's learning_rate", "is not a number (schedules are not read yet)");
        return Get<string>(serialized, "class_name", "the optimizer") switch
        {
            "Adam" => new Adam(rate, Optional(c, "beta_1", 0.9), Optional(c, "beta_2", 0.999), Optional(c, "epsilon", 1e-7), Optional(c, "amsgrad", false),
                clipNorm, clipValue, globalClipNorm, weightDecay),
            "AdamW" => new AdamW(rate, weightDecay ?? 0.004, Optional(c, "beta_1", 0.9), Optional(c, "beta_2", 0.999), Optional(c, "epsilon", 1e-7),
                Optional(c, "amsgrad", false), clipNorm, clipValue, globalClipNorm),
            "SGD" => new SGD(rate, Optional(c, "momentum", 0.0), Optional(c, "nesterov", false), clipNorm, clipValue, globalClipNorm, weightDecay),
            "RMSprop" => new RMSprop(rate, Optional(c, "rho", 0.9), Optional(c, "momentum", 0.0), Optional(c, "epsilon", 1e-7), Optional(c, "centered", false),
                clipNorm, clipValue, globalClipNorm, weightDecay),
            "Adagrad" => new Adagrad(rate, Optional(c, "initial_accumulator_value", 0.1), Optional(c, "epsilon", 1e-7), clipNorm, clipValue, globalClipNorm, weightDecay),
            string other => throw new NotSupportedException($"LoadModel: optimizer '{other}' is not one Nabla has (Adam, AdamW, SGD, RMSprop, Adagrad)."),
        };
    }

    private static JsonObject Loss(Loss loss)
    {
        JsonObject config = new()
        {
            ["name"] = loss.Name,
            ["reduction"] = loss.Reduction switch { Reduction.Sum => "sum", Reduction.None => "none", _ => "sum_over_batch_size" },
        };
        switch (loss)
        {
            case BinaryCrossentropy b:
                config["from_logits"] = b.FromLogits;
                break;
            case CategoricalCrossentropy c:
                config["from_logits"] = c.FromLogits;
                break;
            case SparseCategoricalCrossentropy s:
                config["from_logits"] = s.FromLogits;
                config["ignore_class"] = null;
                break;
            case Huber h:
                config["delta"] = h.Delta;
                break;
            case MeanSquaredError or MeanAbsoluteError:
                break;
            default:
                throw new NotSupportedException($"Loss {loss.GetType().Name} ('{loss.Name}') cannot be written to a .keras file's compile config.");
        }

        return Object("keras.losses", loss.GetType().Name, config);
    }

    private static Loss LossOf(JsonNode? node)
    {
        if (node is JsonValue name)
        {
            return Losses.Loss.Get(name.GetValue<string>());
        }

        JsonObject serialized = node as JsonObject ?? throw Bad("the compile config", "has no loss");
        JsonObject c = serialized["config"] as JsonObject ?? [];
        Reduction reduction = Optional(c, "reduction", "sum_over_batch_size") switch { "sum" => Reduction.Sum, "none" => Reduction.None, _ => Reduction.SumOverBatchSize };
        bool fromLogits = Optional(c, "from_logits", false);
        return Get<string>(serialized, "class_name", "the loss") switch
        {
            "BinaryCrossentropy" => new BinaryCrossentropy(fromLogits, reduction),
            "CategoricalCrossentropy" => new CategoricalCrossentropy(fromLogits, reduction),
            "SparseCategoricalCrossentropy" => new SparseCategoricalCrossentropy(fromLogits, reduction),
            "Huber" => new Huber(Optional(c, "delta", 1.0), reduction),
            "MeanSquaredError" => new MeanSquaredError(reduction),
            "MeanAbsoluteError" => new MeanAbsoluteError(reduction),
            string other => throw new NotSupportedException($"LoadModel: loss '{other}' cannot be rebuilt from a .keras file's compile config."),
        };
    }
}
