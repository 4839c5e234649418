package dev.ledger.api.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Warms up a measured path until the JIT compiler has settled on it: repeats an untimed round of the work until a
 * round spends at most {@link #SETTLED_SHARE} of its wall time compiling (the JVM's total compilation time, which
 * counts every compiler thread). On a machine with two cores, the optimising compiler still at work takes a core
 * from what is measured: the ledger's write path, which runs Axon, Jackson and the database driver, kept the
 * compiler busy for tens of thousands of transfers, and a run measured after a fixed warm-up of 2,000 saw about
 * two thirds of the steady rate. Bounded by {@link #MAX_ROUNDS} rounds and {@link #MAX_NANOS}: work that never
 * settles is measured anyway, and the report says how the warm-up ended.
 */
final class JitWarmUp {

    /** A round that spends at most this share of its wall time compiling ends the warm-up. */
    static final double SETTLED_SHARE = 0.05;
    static final int MAX_ROUNDS = 100;
    static final long MAX_NANOS = 60_000_000_000L;

    /** How a warm-up ended: its rounds, and the share of the last round's wall time spent compiling (-1: unknown). */
    record Result(int rounds, double lastCompileShare, boolean settled) {

        /** For the report: "3 rounds, settled (compiling 2.1 % of the last)". */
        String describe() {
            String share = lastCompileShare < 0 ? "compilation time not known to this JVM"
                    : String.format(java.util.Locale.ROOT, "compiling %.1f %% of the last", 100 * lastCompileShare);
            return rounds + (rounds == 1 ? " round, " : " rounds, ") + (settled ? "settled" : "not settled") + " ("
                    + share + ")";
        }
    }

    private final LongSupplier compileMillis;
    private final LongSupplier nanoTime;

    /** On this JVM's compilation counter; where the JVM cannot tell it, one round is the warm-up. */
    JitWarmUp() {
        this(jvmCompileMillis(), System::nanoTime);
    }

    /** @param compileMillis total compilation time so far in ms, or a negative value when not known */
    JitWarmUp(LongSupplier compileMillis, LongSupplier nanoTime) {
        this.compileMillis = Objects.requireNonNull(compileMillis, "compileMillis");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** Runs {@code round} until the compiler has settled on it, or the limits are reached. */
    Result run(Runnable round) {
        long started = nanoTime.getAsLong();
        int rounds = 0;
        while (true) {
            long compiledBefore = compileMillis.getAsLong();
            long roundStarted = nanoTime.getAsLong();
            round.run();
            rounds++;
            long roundNanos = Math.max(1, nanoTime.getAsLong() - roundStarted);
            long compiledAfter = compileMillis.getAsLong();
            if (compiledBefore < 0 || compiledAfter < 0) {
                return new Result(rounds, -1, false);
            }
            double share = (compiledAfter - compiledBefore) * 1e6 / roundNanos;
            if (share <= SETTLED_SHARE) {
                return new Result(rounds, share, true);
            }
            if (rounds >= MAX_ROUNDS || nanoTime.getAsLong() - started >= MAX_NANOS) {
                return new Result(rounds, share, false);
            }
        }
    }

    private static LongSupplier jvmCompileMillis() {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        if (compiler == null || !compiler.isCompilationTimeMonitoringSupported()) {
            return () -> -1;
        }
        return compiler::getTotalCompilationTime;
    }
}
