package dev.ledger.domain.value;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * The one place where the ledger's numbers are checked and rounded. Every booked money amount goes
 * through {@link #round8(BigDecimal)}: scale 8, {@link RoundingMode#HALF_EVEN}, once, at booking.
 */
public final class Decimals {

    /** Every asset has this scale. */
    public static final int SCALE = 8;
    public static final RoundingMode ROUNDING = RoundingMode.HALF_EVEN;

    /** The textual form of a decimal in commands: no exponent, no plus sign, no leading dot. */
    public static final Pattern DECIMAL_TEXT = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

    public static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000000000"); // 10^15
    public static final BigDecimal MAX_PRICE_OR_QUANTITY = new BigDecimal("1000000000000"); // 10^12

    private Decimals() {
    }

    /** Rounds a computed money amount to scale 8 with HALF_EVEN, as the accounting rules require. */
    public static BigDecimal round8(BigDecimal exact) {
        return exact.setScale(SCALE, ROUNDING);
    }

    /** Number of fractional digits as written ({@code 1.000000000} has 9); never negative. */
    public static int fractionalDigits(BigDecimal value) {
        return Math.max(value.scale(), 0);
    }

    /** A positive amount of money: {@code 0 < x <= 10^15}, at most 8 fractional digits. */
    public static boolean isValidPositiveAmount(BigDecimal value) {
        return value != null
                && fractionalDigits(value) <= SCALE
                && value.signum() > 0
                && value.compareTo(MAX_AMOUNT) <= 0;
    }

    /** A non-zero amount that may be negative: {@code 0 < |x| <= 10^15}, at most 8 fractional digits. */
    public static boolean isValidSignedAmount(BigDecimal value) {
        return value != null
                && fractionalDigits(value) <= SCALE
                && value.signum() != 0
                && value.abs().compareTo(MAX_AMOUNT) <= 0;
    }

    /** A fee: {@code 0 <= x <= 10^15}, at most 8 fractional digits. */
    public static boolean isValidFee(BigDecimal value) {
        return value != null
                && fractionalDigits(value) <= SCALE
                && value.signum() >= 0
                && value.compareTo(MAX_AMOUNT) <= 0;
    }

    /** A price or quantity: {@code 0 < x <= 10^12}, at most 8 fractional digits. */
    public static boolean isValidPriceOrQuantity(BigDecimal value) {
        return value != null
                && fractionalDigits(value) <= SCALE
                && value.signum() > 0
                && value.compareTo(MAX_PRICE_OR_QUANTITY) <= 0;
    }

    /** A value-equality form of a decimal: {@code 1.0} and {@code 1} give the same text. */
    public static String canonical(BigDecimal value) {
        if (value.signum() == 0) {
            return "0";
        }
        return value.stripTrailingZeros().toPlainString();
    }

    /** The display form of a booked amount: exactly 8 fractional digits. */
    public static String show(BigDecimal value) {
        return round8(value).toPlainString();
    }
}
