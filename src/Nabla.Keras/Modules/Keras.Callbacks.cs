using CallbackTypes = Nabla.Keras.Callbacks;

namespace Nabla.Keras;

public static partial class Keras
{
    /// <summary>Keras's <c>keras.callbacks</c>: each function creates the callback of the same name in <see cref="Nabla.Keras.Callbacks"/>.</summary>
    public static class Callbacks
    {
        /// <inheritdoc cref="CallbackTypes.BackupAndRestore"/>
        public static CallbackTypes.BackupAndRestore BackupAndRestore(string backupDirectory, string saveFreq = "epoch", bool deleteCheckpoint = true) =>
            new(backupDirectory, saveFreq, deleteCheckpoint);

        /// <inheritdoc cref="CallbackTypes.BackupAndRestore"/>
        public static CallbackTypes.BackupAndRestore BackupAndRestore(string backupDirectory, int saveFreq, bool deleteCheckpoint = true) =>
            new(backupDirectory, saveFreq, deleteCheckpoint);

        /// <inheritdoc cref="CallbackTypes.EarlyStopping"/>
        public static CallbackTypes.EarlyStopping EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0,
            string mode = "auto", double? baseline = null, bool restoreBestWeights = false, int startFromEpoch = 0, int verbose = 0) =>
            new(monitor, minDelta, patience, mode, baseline, restoreBestWeights, startFromEpoch, verbose);

        /// <inheritdoc cref="CallbackTypes.LearningRateScheduler"/>
        public static CallbackTypes.LearningRateScheduler LearningRateScheduler(Func<int, double, double> schedule, int verbose = 0) =>
            new(schedule, verbose);

        /// <inheritdoc cref="CallbackTypes.ReduceLROnPlateau"/>
        public static CallbackTypes.ReduceLROnPlateau ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10,
            string mode = "auto", double minDelta = 1e-4, int cooldown = 0, double minLearningRate = 0, int verbose = 0) =>
            new(monitor, factor, patience, mode, minDelta, cooldown, minLearningRate, verbose);

        /// <inheritdoc cref="CallbackTypes.ModelCheckpoint"/>
        public static CallbackTypes.ModelCheckpoint ModelCheckpoint(string filepath, string monitor = "val_loss", bool saveBestOnly = false,
            string mode = "auto", double? initialValueThreshold = null, int verbose = 0, Action<Model, string>? save = null) =>
            new(filepath, monitor, saveBestOnly, mode, initialValueThreshold, verbose, save);

        /// <inheritdoc cref="CallbackTypes.ProgbarLogger"/>
        public static CallbackTypes.ProgbarLogger ProgbarLogger(TextWriter writer, bool interactive, double interval = 0.05) =>
            new(writer, interactive, interval);

        /// <inheritdoc cref="CallbackTypes.CSVLogger"/>
        public static CallbackTypes.CSVLogger CSVLogger(string filename, string separator = ",", bool append = false) =>
            new(filename, separator, append);

        /// <inheritdoc cref="CallbackTypes.TensorBoard"/>
        public static CallbackTypes.TensorBoard TensorBoard(string logDir = "logs", int histogramFreq = 0, bool writeStepsPerSecond = false,
            CallbackTypes.UpdateFrequency updateFreq = default) =>
            new(logDir, histogramFreq, writeStepsPerSecond, updateFreq);
    }
}
