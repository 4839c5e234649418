package dev.ledger.api.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** How benchmark figures are rounded for the report: they are measurements, a few digits say it all. */
final class Figures {

    private static final MathContext SIGNIFICANT = new MathContext(4, RoundingMode.HALF_EVEN);

    private Figures() {
    }

    /** Items per second, to 4 significant digits. */
    static double rate(long items, double elapsedSeconds) {
        return significant(items / Math.max(elapsedSeconds, 1e-9));
    }

    /** A ratio of two rates, to 4 significant digits. */
    static double ratio(double numerator, double denominator) {
        return significant(numerator / denominator);
    }

    /** Seconds to the millisecond. */
    static double seconds(double elapsedSeconds) {
        return new BigDecimal(elapsedSeconds).setScale(3, RoundingMode.HALF_EVEN).doubleValue();
    }

    private static double significant(double value) {
        return new BigDecimal(value).round(SIGNIFICANT).doubleValue();
    }
}
