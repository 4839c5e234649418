package dev.ledger.api.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The warm-up repeats its round until a round compiles little, within its limits. */
class JitWarmUpTest {

    /** A clock and a compile counter that each round moves: every round takes as long, and compiles as scripted. */
    private static final class Script {
        final AtomicLong nanos = new AtomicLong();
        final AtomicLong compiledMillis = new AtomicLong();
        final AtomicInteger rounds = new AtomicInteger();
        private final long roundNanos;
        private final List<Long> compileMillisPerRound;

        Script(long roundMillis, List<Long> compileMillisPerRound) {
            this.roundNanos = roundMillis * 1_000_000L;
            this.compileMillisPerRound = compileMillisPerRound;
        }

        void round() {
            int round = rounds.getAndIncrement();
            nanos.addAndGet(roundNanos);
            compiledMillis.addAndGet(compileMillisPerRound.get(Math.min(round, compileMillisPerRound.size() - 1)));
        }

        JitWarmUp warmUp() {
            return new JitWarmUp(compiledMillis::get, nanos::get);
        }
    }

    @Test
    void stopsAtTheFirstRoundThatCompilesAtMostFivePercentOfItsTime() {
        Script script = new Script(1_000, List.of(900L, 400L, 120L, 50L, 0L));
        JitWarmUp.Result result = script.warmUp().run(script::round);
        assertThat(script.rounds.get()).isEqualTo(4);
        assertThat(result.rounds()).isEqualTo(4);
        assertThat(result.settled()).isTrue();
        assertThat(result.lastCompileShare()).isEqualTo(0.05);
        assertThat(result.describe()).isEqualTo("4 rounds, settled (compiling 5.0 % of the last)");
    }

    @Test
    void workThatNeverSettlesIsMeasuredAfterTheRoundLimit() {
        Script script = new Script(500, List.of(300L)); // 100 rounds of 0.5 s stay within the 60 s limit
        JitWarmUp.Result result = script.warmUp().run(script::round);
        assertThat(result.rounds()).isEqualTo(JitWarmUp.MAX_ROUNDS);
        assertThat(result.settled()).isFalse();
        assertThat(result.describe()).isEqualTo("100 rounds, not settled (compiling 60.0 % of the last)");
    }

    @Test
    void longRoundsEndAtTheTimeLimit() {
        Script script = new Script(20_000, List.of(5_000L));
        JitWarmUp.Result result = script.warmUp().run(script::round);
        assertThat(result.rounds()).isEqualTo(3);
        assertThat(result.settled()).isFalse();
    }

    @Test
    void withoutACompilationCounterOneRoundIsTheWarmUp() {
        AtomicInteger rounds = new AtomicInteger();
        JitWarmUp.Result result = new JitWarmUp(() -> -1, System::nanoTime).run(rounds::incrementAndGet);
        assertThat(rounds.get()).isEqualTo(1);
        assertThat(result.describe()).isEqualTo("1 round, not settled (compilation time not known to this JVM)");
    }

    @Test
    void onThisJvmItEnds() {
        JitWarmUp.Result result = new JitWarmUp().run(() -> { });
        assertThat(result.rounds()).isBetween(1, JitWarmUp.MAX_ROUNDS);
    }
}
