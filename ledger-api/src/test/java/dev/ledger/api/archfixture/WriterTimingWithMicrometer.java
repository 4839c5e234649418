package dev.ledger.api.archfixture;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

/** A deliberate violation: ledger code outside the metrics adapter that names Micrometer. */
public class WriterTimingWithMicrometer {

    public Timer commitTimer() {
        return Metrics.timer("ledger.writer.commit");
    }
}
