package dev.ledger.domain.command;

import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

/** Command content by value, for idempotency: what makes two commands with one id "the same". */
class CommandFingerprintTest {

    private static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    private static RecordFill fill(String id, String quantity, String fee, Book book, String leader) {
        return new RecordFill(id, "alice:FUTURES", "BTCUSDT", Side.BUY, d(quantity), d("30000"), d(fee), 10,
                MarginMode.ISOLATED, book, leader);
    }

    @Test
    void comparesDecimalsByValue() {
        assertThat(CommandFingerprint.of(new Deposit("c1", "alice:FUTURES", "USDT", d("1.0"))))
                .isEqualTo(CommandFingerprint.of(new Deposit("c1", "alice:FUTURES", "USDT", d("1"))))
                .isEqualTo(CommandFingerprint.of(new Deposit("c1", "alice:FUTURES", "USDT", d("1.00000000"))));
        assertThat(CommandFingerprint.of(fill("f1", "100", "0", null, null)))
                .isEqualTo(CommandFingerprint.of(fill("f1", "100.00", "0.000", null, null)));
        assertThat(CommandFingerprint.of(fill("f1", "100", "0", null, null)))
                .isEqualTo(CommandFingerprint.of(fill("f1", "1E+2", "0", null, null)));
    }

    @Test
    void tellsDifferentValuesApart() {
        assertThat(CommandFingerprint.of(new Deposit("c1", "alice:FUTURES", "USDT", d("1"))))
                .isNotEqualTo(CommandFingerprint.of(new Deposit("c1", "alice:FUTURES", "USDT", d("1.00000001"))))
                .isNotEqualTo(CommandFingerprint.of(new Deposit("c1", "alice:FUTURES", "USDC", d("1"))))
                .isNotEqualTo(CommandFingerprint.of(new Deposit("c1", "bob:FUTURES", "USDT", d("1"))))
                .isNotEqualTo(CommandFingerprint.of(new Deposit("c1", "alice:FUTURES", "USDT", d("-1"))));
    }

    @Test
    void tellsCommandTypesWithTheSameFieldsApart() {
        assertThat(CommandFingerprint.of(new Deposit("c1", "alice:FUTURES", "USDT", d("1"))))
                .isNotEqualTo(CommandFingerprint.of(new Withdraw("c1", "alice:FUTURES", "USDT", d("1"))));
    }

    @Test
    void leavesTheIdOut() {
        assertThat(CommandFingerprint.of(new Deposit("c1", "alice:FUTURES", "USDT", d("1"))))
                .isEqualTo(CommandFingerprint.of(new Deposit("another", "alice:FUTURES", "USDT", d("1"))));
    }

    @Test
    void treatsALeftOutBookAsItsDefaultPersonal() {
        assertThat(CommandFingerprint.of(fill("f1", "1", "0", null, null)))
                .isEqualTo(CommandFingerprint.of(fill("f1", "1", "0", Book.PERSONAL, null)))
                .isEqualTo(CommandFingerprint.of(new RecordFill("f1", "alice:FUTURES", "BTCUSDT", Side.BUY, d("1"),
                        d("30000"), d("0"), 10, MarginMode.ISOLATED)));
        assertThat(CommandFingerprint.of(new Liquidate("l1", "a:LEGACY", "BTCUSDT", d("1"))))
                .isEqualTo(CommandFingerprint.of(new Liquidate("l1", "a:LEGACY", "BTCUSDT", d("1"), null)))
                .isEqualTo(CommandFingerprint.of(new Liquidate("l1", "a:LEGACY", "BTCUSDT", d("1"), Book.PERSONAL)));
        assertThat(CommandFingerprint.of(new SettleFunding("s1", "a:LEGACY", "BTCUSDT", d("0"), d("1"))))
                .isEqualTo(CommandFingerprint.of(new SettleFunding("s1", "a:LEGACY", "BTCUSDT", d("0"), d("1"), null)));
        assertThat(CommandFingerprint.of(new AdjustIsolatedMargin("a1", "a:LEGACY", "BTCUSDT", d("1"))))
                .isEqualTo(CommandFingerprint.of(new AdjustIsolatedMargin("a1", "a:LEGACY", "BTCUSDT", d("1"), null)));
    }

    @Test
    void countsFieldsThatTheCommandIgnores() {
        // On a FUTURES account book and leader change nothing, but they are part of the content.
        String plain = CommandFingerprint.of(fill("f1", "1", "0", null, null));
        assertThat(CommandFingerprint.of(fill("f1", "1", "0", Book.COPY, null))).isNotEqualTo(plain);
        assertThat(CommandFingerprint.of(fill("f1", "1", "0", null, "bob"))).isNotEqualTo(plain);
        assertThat(CommandFingerprint.of(new Liquidate("l1", "a:FUTURES", "BTCUSDT", d("1"), Book.ELITE)))
                .isNotEqualTo(CommandFingerprint.of(new Liquidate("l1", "a:FUTURES", "BTCUSDT", d("1"))));
    }

    @Test
    void writesFieldsInNameOrderSoThatTheOrderOfTheInputDoesNotMatter() {
        assertThat(CommandFingerprint.canonicalContent(new Deposit("c1", "alice:FUTURES", "USDT", d("1.50"))))
                .isEqualTo("Deposit{account=\"alice:FUTURES\",amount=#1.5,asset=\"USDT\"}");
        assertThat(CommandFingerprint.canonicalContent(fill("f1", "1.0", "0.00", null, null)))
                .isEqualTo("RecordFill{account=\"alice:FUTURES\",book=\"PERSONAL\",fee=#0,leader=null,leverage=#10,"
                        + "marginMode=\"ISOLATED\",price=#30000,quantity=#1,side=\"BUY\",symbol=\"BTCUSDT\"}");
    }

    @Test
    void keepsAMissingFieldApartFromTheTextNull() {
        assertThat(CommandFingerprint.of(fill("f1", "1", "0", Book.PERSONAL, null)))
                .isNotEqualTo(CommandFingerprint.of(fill("f1", "1", "0", Book.PERSONAL, "null")));
    }

    @Test
    void escapesQuotesSoThatValuesCannotImitateOtherFields() {
        // Without escaping, account a",asset="X with asset Y could read like account a with asset X.
        String tricky = CommandFingerprint.canonicalContent(new Deposit("c1", "a\",amount=#1,asset=\"X", "Y", d("1")));
        assertThat(tricky).isEqualTo("Deposit{account=\"a\\\",amount=#1,asset=\\\"X\",amount=#1,asset=\"Y\"}");
        assertThat(CommandFingerprint.of(new Deposit("c1", "a\",amount=#1,asset=\"X", "Y", d("1"))))
                .isNotEqualTo(CommandFingerprint.of(new Deposit("c1", "a", "X", d("1"))));
    }

    @Test
    void isSixtyFourLowercaseHexDigits() {
        assertThat(CommandFingerprint.of(new OpenAccount("c1", "alice:FUTURES"))).matches("[0-9a-f]{64}");
    }
}
