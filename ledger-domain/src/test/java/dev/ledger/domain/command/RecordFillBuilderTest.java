package dev.ledger.domain.command;

import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.AccountType;
import dev.ledger.domain.value.Asset;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;
import dev.ledger.domain.value.Symbol;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RecordFill.builder(): named fields, the same record as the constructor, checked when built. */
class RecordFillBuilderTest {

    private static RecordFill.Builder complete() {
        return RecordFill.builder()
                .id("fill-1")
                .account(AccountId.of("alice", AccountType.FUTURES))
                .symbol(Symbol.of("BTCUSDT"))
                .side(Side.BUY)
                .quantity("2")
                .price("30000")
                .fee("1.2")
                .leverage(10)
                .marginMode(MarginMode.ISOLATED);
    }

    @Test
    void buildsTheSameRecordAsThePositionalConstructor() {
        RecordFill positional = new RecordFill("fill-1", "alice:FUTURES", "BTCUSDT", Side.BUY, new BigDecimal("2"),
                new BigDecimal("30000"), new BigDecimal("1.2"), 10, MarginMode.ISOLATED);

        RecordFill built = complete().build();

        assertThat(built).isEqualTo(positional);
        assertThat(built.book()).isEqualTo(Book.PERSONAL);
        assertThat(CommandFingerprint.of(built)).isEqualTo(CommandFingerprint.of(positional));
    }

    @Test
    void fieldsMayBeGivenInAnyOrderAndAsPlainStrings() {
        RecordFill built = RecordFill.builder()
                .marginMode(MarginMode.CROSS).fee(BigDecimal.ZERO).price(new BigDecimal("31000"))
                .quantity(new BigDecimal("0.5")).leverage(5).side(Side.SELL).symbol("BTCUSDT")
                .account("bob:LEGACY").id("fill-2").book(Book.COPY).leader("alice")
                .build();

        assertThat(built).isEqualTo(new RecordFill("fill-2", "bob:LEGACY", "BTCUSDT", Side.SELL, new BigDecimal("0.5"),
                new BigDecimal("31000"), BigDecimal.ZERO, 5, MarginMode.CROSS, Book.COPY, "alice"));
    }

    @Test
    void namesEveryFieldNotSet() {
        assertThatThrownBy(() -> RecordFill.builder().id("f").symbol("BTCUSDT").quantity("1").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("RecordFill.builder(): not set: account, side, price, fee, leverage, marginMode");
    }

    @Test
    void refusesWhatTheLedgerWouldRefuseOnTheCommandAloneWithItsCode() {
        assertThatThrownBy(() -> complete().quantity("-1").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("RecordFill fill-1: INVALID_AMOUNT quantity");
        assertThatThrownBy(() -> complete().fee("0.000000001").build())
                .hasMessageStartingWith("RecordFill fill-1: INVALID_AMOUNT fee");
        assertThatThrownBy(() -> complete().leverage(0).build())
                .hasMessageContaining("leverage");
        assertThatThrownBy(() -> complete().account("alice").build())
                .hasMessageStartingWith("RecordFill fill-1: INVALID_ACCOUNT");
        assertThatThrownBy(() -> complete().account("alice:LEGACY").book(Book.COPY).build())
                .hasMessageContaining("must name the copied elite trader");
        assertThatThrownBy(() -> complete().id("x".repeat(129)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("id must be 1 to 128 characters");
        assertThatThrownBy(() -> complete().price("30,000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("price is not a decimal number: 30,000");
    }

    @Test
    void theConstructorsStillTakeRawValuesForTheLedgerToRefuse() {
        // The builder is stricter than the record: a raw record with a bad value still reaches the ledger,
        // which refuses it with its code.
        RecordFill raw = new RecordFill("f", "alice:FUTURES", "BTCUSDT", Side.BUY, new BigDecimal("-1"),
                new BigDecimal("30000"), BigDecimal.ZERO, 10, MarginMode.ISOLATED);
        assertThat(CommandChecks.firstViolation(raw)).isPresent();
    }

    @Test
    void assetAndSymbolCheckTheirNames() {
        assertThat(Asset.of("USDT").name()).isEqualTo("USDT");
        assertThat(Symbol.of("BTCUSDT")).hasToString("BTCUSDT");
        assertThatThrownBy(() -> Asset.of("usdt")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("asset must match");
        assertThatThrownBy(() -> Symbol.of("BTC-USDT")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("symbol must match");
        assertThatThrownBy(() -> Symbol.of("X".repeat(21))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Asset.of(null)).isInstanceOf(NullPointerException.class);
    }
}
