package dev.ledger.domain.command;

import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.MigrationPhase;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.domain.value.Side;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checks of a command alone: the form rules of accounting.md's Numbers and Accounts sections. */
class CommandChecksTest {

    private static final String ALICE = "alice:FUTURES";

    private static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    private static Optional<RejectionCode> code(LedgerCommand command) {
        return CommandChecks.firstViolation(command).map(Rejection::code);
    }

    private static RecordFill fill(String quantity, String price, String fee, Integer leverage) {
        return new RecordFill("f1", ALICE, "BTCUSDT", Side.BUY, d(quantity), d(price), d(fee), leverage,
                MarginMode.ISOLATED);
    }

    @Nested
    class AccountNames {

        @ParameterizedTest
        @ValueSource(strings = {"alice:FUTURES", "alice:COPY", "alice:ELITE", "alice:LEGACY", "A-b_c.9:FUTURES",
                "x:FUTURES"})
        void acceptsUserColonType(String account) {
            assertThat(code(new OpenAccount("c1", account))).isEmpty();
        }

        @Test
        void acceptsAUserOfSixtyFourCharactersAndRefusesSixtyFive() {
            assertThat(code(new OpenAccount("c1", "u".repeat(64) + ":FUTURES"))).isEmpty();
            assertThat(code(new OpenAccount("c1", "u".repeat(65) + ":FUTURES")))
                    .contains(RejectionCode.INVALID_ACCOUNT);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "alice", "alice:", ":FUTURES", "alice:SPOT", "alice:Futures", "al ice:FUTURES",
                "alice:FUTURES ", "al:ice:FUTURES", "alicé:FUTURES"})
        void refusesOtherNames(String account) {
            assertThat(code(new OpenAccount("c1", account))).contains(RejectionCode.INVALID_ACCOUNT);
        }

        @Test
        void refusesAMissingName() {
            assertThat(code(new OpenAccount("c1", null))).contains(RejectionCode.INVALID_ACCOUNT);
        }

        @Test
        void refusesAnInvalidUserInStartMigration() {
            assertThat(code(new StartMigration("c1", "alice"))).isEmpty();
            assertThat(code(new StartMigration("c1", "alice:FUTURES"))).contains(RejectionCode.INVALID_ACCOUNT);
            assertThat(code(new StartMigration("c1", ""))).contains(RejectionCode.INVALID_ACCOUNT);
        }
    }

    @Nested
    class Amounts {

        @ParameterizedTest
        @ValueSource(strings = {"0.00000001", "1", "1.00000000", "1250.5", "1000000000000000",
                "1000000000000000.00000000"})
        void acceptsPositiveAmountsUpToTenToTheFifteenthWithUpToEightDigits(String amount) {
            assertThat(code(new Deposit("c1", ALICE, "USDT", d(amount)))).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "0.00000000", "-1", "-0.00000001", "1.000000000", "0.000000001",
                "1000000000000000.00000001", "1000000000000001"})
        void refusesZeroNegativeNineDigitsAndAboveTenToTheFifteenth(String amount) {
            assertThat(code(new Deposit("c1", ALICE, "USDT", d(amount)))).contains(RejectionCode.INVALID_AMOUNT);
            assertThat(code(new Withdraw("c1", ALICE, "USDT", d(amount)))).contains(RejectionCode.INVALID_AMOUNT);
            assertThat(code(new Transfer("c1", ALICE, "alice:COPY", "USDT", d(amount))))
                    .contains(RejectionCode.INVALID_AMOUNT);
        }

        @Test
        void refusesAMissingAmount() {
            assertThat(code(new Deposit("c1", ALICE, "USDT", null))).contains(RejectionCode.INVALID_AMOUNT);
        }

        @ParameterizedTest
        @ValueSource(strings = {"usdt", "", "USD T", "ABCDEFGHIJKLMNOPQRSTU", "US-DT"})
        void refusesAnAssetNameOutsideUppercaseLettersAndDigitsOfUpToTwenty(String asset) {
            assertThat(code(new Deposit("c1", ALICE, asset, d("1")))).contains(RejectionCode.INVALID_AMOUNT);
        }

        @Test
        void acceptsAnAssetNameOfTwentyCharacters() {
            assertThat(code(new Deposit("c1", ALICE, "ABCDEFGHIJ0123456789", d("1")))).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"-1000000000000000", "-0.00000001", "0.00000001", "1000000000000000"})
        void acceptsASignedMarginAdjustmentUpToTenToTheFifteenthInSize(String amount) {
            assertThat(code(new AdjustIsolatedMargin("a1", ALICE, "BTCUSDT", d(amount)))).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-0.000000001", "-1000000000000000.00000001", "1000000000000000.00000001"})
        void refusesAZeroOrTooLargeOrTooPreciseMarginAdjustment(String amount) {
            assertThat(code(new AdjustIsolatedMargin("a1", ALICE, "BTCUSDT", d(amount))))
                    .contains(RejectionCode.INVALID_AMOUNT);
        }
    }

    @Nested
    class PricesQuantitiesFeesAndLeverage {

        @ParameterizedTest
        @ValueSource(strings = {"0.00000001", "1", "1000000000000", "1000000000000.00000000"})
        void acceptsPricesAndQuantitiesUpToTenToTheTwelfth(String value) {
            assertThat(code(fill(value, "1", "0", 1))).isEmpty();
            assertThat(code(fill("1", value, "0", 1))).isEmpty();
            assertThat(code(new UpdateMarkPrice("p1", "BTCUSDT", d(value)))).isEmpty();
            assertThat(code(new Liquidate("l1", ALICE, "BTCUSDT", d(value)))).isEmpty();
            assertThat(code(new SettleFunding("s1", ALICE, "BTCUSDT", d("0"), d(value)))).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-1", "1000000000000.00000001", "0.000000001"})
        void refusesOtherPricesAndQuantities(String value) {
            assertThat(code(fill(value, "1", "0", 1))).contains(RejectionCode.INVALID_AMOUNT);
            assertThat(code(fill("1", value, "0", 1))).contains(RejectionCode.INVALID_AMOUNT);
            assertThat(code(new UpdateMarkPrice("p1", "BTCUSDT", d(value)))).contains(RejectionCode.INVALID_AMOUNT);
            assertThat(code(new Liquidate("l1", ALICE, "BTCUSDT", d(value)))).contains(RejectionCode.INVALID_AMOUNT);
            assertThat(code(new SettleFunding("s1", ALICE, "BTCUSDT", d("0"), d(value))))
                    .contains(RejectionCode.INVALID_AMOUNT);
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "0.00000001", "1000000000000000"})
        void acceptsFeesFromZeroToTenToTheFifteenth(String fee) {
            assertThat(code(fill("1", "1", fee, 1))).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"-0.00000001", "0.000000001", "1000000000000000.00000001"})
        void refusesNegativeTooPreciseOrTooLargeFees(String fee) {
            assertThat(code(fill("1", "1", fee, 1))).contains(RejectionCode.INVALID_AMOUNT);
        }

        @Test
        void acceptsLeverageOfOneAndMoreAndRefusesLessOrNone() {
            assertThat(code(fill("1", "1", "0", 1))).isEmpty();
            assertThat(code(fill("1", "1", "0", 1000))).isEmpty();
            assertThat(code(fill("1", "1", "0", 0))).contains(RejectionCode.INVALID_AMOUNT);
            assertThat(code(fill("1", "1", "0", -5))).contains(RejectionCode.INVALID_AMOUNT);
            assertThat(code(fill("1", "1", "0", null))).contains(RejectionCode.INVALID_AMOUNT);
        }
    }

    @Nested
    class Rates {

        @ParameterizedTest
        @ValueSource(strings = {"0", "0.00000001", "-0.00000001", "0.99999999", "-0.99999999", "0.0001"})
        void acceptsFundingRatesStrictlyBetweenMinusOneAndOne(String rate) {
            assertThat(code(new SettleFunding("s1", ALICE, "BTCUSDT", d(rate), d("30000")))).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"1", "-1", "1.00000000", "-1.5", "0.000000001"})
        void refusesFundingRatesOfOneOrMoreInSizeOrWithNineDigits(String rate) {
            assertThat(code(new SettleFunding("s1", ALICE, "BTCUSDT", d(rate), d("30000"))))
                    .contains(RejectionCode.INVALID_AMOUNT);
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "0.005", "0.99999999"})
        void acceptsMaintenanceMarginRatesFromZeroToBelowOne(String mmr) {
            assertThat(code(new ConfigureSymbol("m1", "BTCUSDT", "USDT", d(mmr), 125))).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"1", "-0.00000001", "0.000000001", "1.5"})
        void refusesOtherMaintenanceMarginRates(String mmr) {
            assertThat(code(new ConfigureSymbol("m1", "BTCUSDT", "USDT", d(mmr), 125)))
                    .contains(RejectionCode.INVALID_AMOUNT);
        }

        @Test
        void refusesAMaximumLeverageBelowOne() {
            assertThat(code(new ConfigureSymbol("m1", "BTCUSDT", "USDT", d("0.005"), 1))).isEmpty();
            assertThat(code(new ConfigureSymbol("m1", "BTCUSDT", "USDT", d("0.005"), 0)))
                    .contains(RejectionCode.INVALID_AMOUNT);
            assertThat(code(new ConfigureSymbol("m1", "BTCUSDT", "USDT", d("0.005"), null)))
                    .contains(RejectionCode.INVALID_AMOUNT);
        }

        @Test
        void refusesAnInvalidSymbolOrSettleAssetName() {
            assertThat(code(new ConfigureSymbol("m1", "btcusdt", "USDT", d("0.005"), 125)))
                    .contains(RejectionCode.INVALID_AMOUNT);
            assertThat(code(new ConfigureSymbol("m1", "BTCUSDT", "usdt", d("0.005"), 125)))
                    .contains(RejectionCode.INVALID_AMOUNT);
        }
    }

    @Nested
    class Transfers {

        @Test
        void acceptsTheFourAllowedDirections() {
            assertThat(code(new Transfer("t", "a:FUTURES", "a:COPY", "USDT", d("1")))).isEmpty();
            assertThat(code(new Transfer("t", "a:FUTURES", "a:ELITE", "USDT", d("1")))).isEmpty();
            assertThat(code(new Transfer("t", "a:COPY", "a:FUTURES", "USDT", d("1")))).isEmpty();
            assertThat(code(new Transfer("t", "a:ELITE", "a:FUTURES", "USDT", d("1")))).isEmpty();
        }

        @Test
        void refusesEveryOtherDirection() {
            String[] types = {"FUTURES", "COPY", "ELITE", "LEGACY"};
            int refused = 0;
            for (String from : types) {
                for (String to : types) {
                    if (from.equals(to)) {
                        continue;
                    }
                    Optional<RejectionCode> code = code(new Transfer("t", "a:" + from, "a:" + to, "USDT", d("1")));
                    if (code.isPresent()) {
                        assertThat(code).as(from + "->" + to).contains(RejectionCode.TRANSFER_NOT_ALLOWED);
                        refused++;
                    }
                }
            }
            assertThat(refused).isEqualTo(12 - 4);
        }

        @Test
        void checksInTheOrderOfPrecedence() {
            assertThat(code(new Transfer("t", "a:SPOT", "b:SPOT", "usdt", d("0"))))
                    .contains(RejectionCode.INVALID_ACCOUNT);
            assertThat(code(new Transfer("t", "a:COPY", "a:COPY", "USDT", d("0")))).contains(RejectionCode.INVALID_AMOUNT);
            assertThat(code(new Transfer("t", "a:COPY", "a:COPY", "USDT", d("1"))))
                    .contains(RejectionCode.SAME_ACCOUNT_TRANSFER);
            assertThat(code(new Transfer("t", "a:COPY", "b:ELITE", "USDT", d("1"))))
                    .contains(RejectionCode.CROSS_USER_TRANSFER);
            assertThat(code(new Transfer("t", "a:COPY", "a:ELITE", "USDT", d("1"))))
                    .contains(RejectionCode.TRANSFER_NOT_ALLOWED);
        }

        @Test
        void refusesDepositsAndWithdrawalsOnCopyAndEliteAfterTheirAmountIsChecked() {
            assertThat(code(new Deposit("c", "a:COPY", "USDT", d("1")))).contains(RejectionCode.TRANSFER_NOT_ALLOWED);
            assertThat(code(new Withdraw("c", "a:ELITE", "USDT", d("1")))).contains(RejectionCode.TRANSFER_NOT_ALLOWED);
            assertThat(code(new Deposit("c", "a:COPY", "USDT", d("0")))).contains(RejectionCode.INVALID_AMOUNT);
            assertThat(code(new Deposit("c", "a:LEGACY", "USDT", d("1")))).isEmpty();
        }
    }

    @Nested
    class FillsOfTheLegacyBooks {

        private RecordFill legacyFill(String account, Book book, String leader) {
            return new RecordFill("f1", account, "BTCUSDT", Side.BUY, d("1"), d("1"), d("0"), 1, MarginMode.CROSS,
                    book, leader);
        }

        @Test
        void requiresALeaderOnACopyBookFillOfALegacyAccount() {
            assertThat(code(legacyFill("a:LEGACY", Book.COPY, null))).contains(RejectionCode.INVALID_ACCOUNT);
            assertThat(code(legacyFill("a:LEGACY", Book.COPY, "bob"))).isEmpty();
        }

        @Test
        void doesNotRequireALeaderElsewhere() {
            assertThat(code(legacyFill("a:LEGACY", Book.PERSONAL, null))).isEmpty();
            assertThat(code(legacyFill("a:LEGACY", Book.ELITE, null))).isEmpty();
            assertThat(code(legacyFill("a:FUTURES", Book.COPY, null))).isEmpty();
        }

        @Test
        void refusesALeaderThatIsNotAUserName() {
            assertThat(code(legacyFill("a:LEGACY", Book.COPY, "bob:ELITE"))).contains(RejectionCode.INVALID_ACCOUNT);
            assertThat(code(legacyFill("a:LEGACY", Book.COPY, ""))).contains(RejectionCode.INVALID_ACCOUNT);
        }

        @Test
        void reportsTheMissingLeaderBeforeAnInvalidAmount() {
            RecordFill fill = new RecordFill("f1", "a:LEGACY", "BTCUSDT", Side.BUY, d("0"), d("1"), d("0"), 1,
                    MarginMode.CROSS, Book.COPY, null);
            assertThat(code(fill)).contains(RejectionCode.INVALID_ACCOUNT);
        }
    }

    @Test
    void hasNoRuleForAMigrationPhaseBeyondItsPresence() {
        assertThat(code(new SetMigrationPhase("p1", MigrationPhase.LIVE))).isEmpty();
        assertThatThrownBy(() -> new SetMigrationPhase("p1", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void requireThrowsTheFirstViolationAsARefusalWhoseMessageStartsWithTheCode() {
        assertThatThrownBy(() -> CommandChecks.require(new Deposit("c1", "alice", "USDT", d("0"))))
                .isInstanceOfSatisfying(CommandRejectedException.class, refusal -> {
                    assertThat(refusal.code()).isEqualTo(RejectionCode.INVALID_ACCOUNT);
                    assertThat(refusal.getMessage()).startsWith("INVALID_ACCOUNT: ");
                });
    }
}
