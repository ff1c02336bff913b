/**
 * Command-line pieces the emulator's, the examples' and the benchmarks' programs share: options
 * ({@link io.rtvoice.emulator.cli.EmulatorOptions}), where to connect ({@link io.rtvoice.emulator.cli.Target})
 * and the errors shown to a user ({@link io.rtvoice.emulator.cli.UserErrors}).
 */
package io.rtvoice.emulator.cli;
