package dev.ledger.api.json;

import dev.ledger.domain.command.AdjustIsolatedMargin;
import dev.ledger.domain.command.CommandTypes;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.Follow;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SetLeaderTerms;
import dev.ledger.domain.command.SetMigrationPhase;
import dev.ledger.domain.command.SettleFunding;
import dev.ledger.domain.command.SettleProfitShare;
import dev.ledger.domain.command.StartMigration;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.Unfollow;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.CloseMode;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.MigrationPhase;
import dev.ledger.domain.value.Side;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class CommandJsonTest {

    private static final String DEPOSIT_FIELDS = "\"account\":\"alice:FUTURES\",\"asset\":\"USDT\"";

    private static String deposit(String amountJson) {
        return "{\"id\":\"d1\",\"type\":\"Deposit\"," + DEPOSIT_FIELDS + ",\"amount\":" + amountJson + "}";
    }

    private static String fill(String extra) {
        return "{\"id\":\"f1\",\"type\":\"RecordFill\",\"account\":\"alice:LEGACY\",\"symbol\":\"BTCUSDT\",\"side\":\"BUY\","
                + "\"quantity\":\"0.5\",\"price\":\"60000\",\"fee\":\"1.5\",\"leverage\":10,\"marginMode\":\"ISOLATED\"" + extra + "}";
    }

    /** A malformed line, the field its message must name, and a phrase that says what is wrong. */
    static Stream<Arguments> malformedLines() {
        return Stream.of(
                arguments("not JSON", "{\"id\":\"d1\",\"type\":\"Deposit\",", "JSON", "not valid JSON"),
                arguments("two documents on one line", deposit("\"1\"") + " {}", "JSON", "not valid JSON"),
                arguments("an array", "[1, 2]", "object", "not a JSON object"),
                arguments("a string", "\"Deposit\"", "object", "not a JSON object"),
                arguments("unknown type", "{\"id\":\"x1\",\"type\":\"Frobnicate\"}", "type", "unknown command type \"Frobnicate\""),
                arguments("type missing", "{\"id\":\"x1\",\"account\":\"alice:FUTURES\"}", "type", "missing"),
                arguments("type not a string", "{\"id\":\"x1\",\"type\":7}", "type", "must be a string"),
                arguments("id missing", "{\"type\":\"OpenAccount\",\"account\":\"alice:FUTURES\"}", "id", "missing"),
                arguments("id empty", "{\"id\":\"\",\"type\":\"OpenAccount\",\"account\":\"alice:FUTURES\"}", "id", "1 to 128 characters"),
                arguments("id a number", "{\"id\":17,\"type\":\"OpenAccount\",\"account\":\"alice:FUTURES\"}", "id", "got the JSON number 17"),
                arguments("id too long", "{\"id\":\"" + "x".repeat(129) + "\",\"type\":\"OpenAccount\",\"account\":\"alice:FUTURES\"}",
                        "id", "got 129 characters"),
                arguments("required field missing", "{\"id\":\"d1\",\"type\":\"Deposit\"," + DEPOSIT_FIELDS + "}", "amount", "missing"),
                arguments("JSON number where a decimal string belongs", deposit("100"), "amount", "decimal string"),
                arguments("JSON fraction where a decimal string belongs", deposit("100.5"), "amount", "decimal string"),
                arguments("exponent", deposit("\"1e5\""), "amount", "is not a decimal"),
                arguments("plus sign", deposit("\"+5\""), "amount", "is not a decimal"),
                arguments("leading dot", deposit("\".5\""), "amount", "is not a decimal"),
                arguments("trailing dot", deposit("\"5.\""), "amount", "is not a decimal"),
                arguments("9 fractional digits", deposit("\"1.123456789\""), "amount", "9 fractional digits"),
                arguments("9 fractional digits, all zero", deposit("\"1.000000000\""), "amount", "9 fractional digits"),
                arguments("negative amount", deposit("\"-5\""), "amount", "must be positive"),
                arguments("zero amount", deposit("\"0\""), "amount", "must be positive"),
                arguments("amount above 10^15", deposit("\"1000000000000000.00000001\""), "amount", "at most 10^15"),
                arguments("bad account type", "{\"id\":\"o1\",\"type\":\"OpenAccount\",\"account\":\"alice:SAVINGS\"}", "account", "USER:TYPE"),
                arguments("account without type", "{\"id\":\"o1\",\"type\":\"OpenAccount\",\"account\":\"alice\"}", "account", "USER:TYPE"),
                arguments("account with a space", "{\"id\":\"o1\",\"type\":\"OpenAccount\",\"account\":\"al ice:FUTURES\"}", "account", "USER:TYPE"),
                arguments("transfer target malformed", "{\"id\":\"t1\",\"type\":\"Transfer\",\"from\":\"alice:FUTURES\",\"to\":\"alice:copy\","
                        + "\"asset\":\"USDT\",\"amount\":\"1\"}", "to", "USER:TYPE"),
                arguments("asset in lower case", "{\"id\":\"d1\",\"type\":\"Deposit\",\"account\":\"alice:FUTURES\",\"asset\":\"usdt\","
                        + "\"amount\":\"1\"}", "asset", "[A-Z0-9]{1,20}"),
                arguments("repeated key", "{\"id\":\"d1\",\"type\":\"Deposit\"," + DEPOSIT_FIELDS + ",\"amount\":\"1\",\"amount\":\"2\"}",
                        "amount", "more than once"),
                arguments("null field", deposit("null"), "amount", "null is not allowed"),
                arguments("null optional field", fill(",\"book\":null"), "book", "null is not allowed"),
                arguments("unknown extra field", "{\"id\":\"d1\",\"type\":\"Deposit\"," + DEPOSIT_FIELDS + ",\"amount\":\"1\",\"memo\":\"hi\"}",
                        "memo", "unknown field"),
                arguments("bad book value", fill(",\"book\":\"SPOT\""), "book", "one of PERSONAL, COPY, ELITE"),
                arguments("book in lower case", fill(",\"book\":\"copy\""), "book", "one of PERSONAL, COPY, ELITE"),
                arguments("bad leader form", fill(",\"book\":\"COPY\",\"leader\":\"bob:ELITE\""), "leader", "user name"),
                arguments("bad leader form on a PERSONAL fill, where it is ignored", fill(",\"leader\":\"b o b\""), "leader", "user name"),
                arguments("bad side", fill("").replace("\"BUY\"", "\"LONG\""), "side", "one of BUY, SELL"),
                arguments("leverage as a string", fill("").replace("\"leverage\":10", "\"leverage\":\"10\""), "leverage", "JSON integer"),
                arguments("leverage as a fraction", fill("").replace("\"leverage\":10", "\"leverage\":10.0"), "leverage", "JSON integer"),
                arguments("leverage zero", fill("").replace("\"leverage\":10", "\"leverage\":0"), "leverage", ">= 1"),
                arguments("leverage beyond an integer", fill("").replace("\"leverage\":10", "\"leverage\":3000000000"), "leverage", "too large"),
                arguments("negative fee", fill("").replace("\"1.5\"", "\"-0.1\""), "fee", ">= 0"),
                arguments("zero price", fill("").replace("\"60000\"", "\"0\""), "price", "positive"),
                arguments("quantity above 10^12", fill("").replace("\"0.5\"", "\"1000000000000.00000001\""), "quantity", "at most 10^12"),
                arguments("maintenance margin rate of 1", "{\"id\":\"s1\",\"type\":\"ConfigureSymbol\",\"symbol\":\"BTCUSDT\","
                        + "\"settleAsset\":\"USDT\",\"maintenanceMarginRate\":\"1\",\"maxLeverage\":125}", "maintenanceMarginRate", "< 1"),
                arguments("negative maintenance margin rate", "{\"id\":\"s1\",\"type\":\"ConfigureSymbol\",\"symbol\":\"BTCUSDT\","
                        + "\"settleAsset\":\"USDT\",\"maintenanceMarginRate\":\"-0.01\",\"maxLeverage\":125}", "maintenanceMarginRate", ">= 0"),
                arguments("symbol with a dash", "{\"id\":\"m1\",\"type\":\"UpdateMarkPrice\",\"symbol\":\"BTC-USDT\",\"price\":\"1\"}",
                        "symbol", "[A-Z0-9]{1,20}"),
                arguments("funding rate of -1", "{\"id\":\"fu1\",\"type\":\"SettleFunding\",\"account\":\"alice:FUTURES\","
                        + "\"symbol\":\"BTCUSDT\",\"rate\":\"-1\",\"markPrice\":\"60000\"}", "rate", "> -1"),
                arguments("zero margin adjustment", "{\"id\":\"a1\",\"type\":\"AdjustIsolatedMargin\",\"account\":\"alice:FUTURES\","
                        + "\"symbol\":\"BTCUSDT\",\"amount\":\"0\"}", "amount", "non-zero"),
                arguments("bad migration phase", "{\"id\":\"p1\",\"type\":\"SetMigrationPhase\",\"phase\":\"DONE\"}", "phase", "one of LIVE"),
                arguments("bad migration user", "{\"id\":\"g1\",\"type\":\"StartMigration\",\"user\":\"alice:LEGACY\"}", "user", "user name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedLines")
    void refusesAMalformedLineNamingTheField(String fault, String line, String field, String phrase) {
        assertThatThrownBy(() -> CommandJson.parse(line))
                .as(fault)
                .isInstanceOf(MalformedCommandException.class)
                .hasMessageContaining(field)
                .hasMessageContaining(phrase);
    }

    @Test
    void reportsEveryFaultOfALineAtOnce() {
        String line = "{\"id\":\"d1\",\"type\":\"Deposit\",\"account\":\"alice\",\"asset\":\"USDT\",\"amount\":5,\"memo\":1}";
        assertThatThrownBy(() -> CommandJson.parse(line))
                .hasMessageContaining("\"memo\": unknown field")
                .hasMessageContaining("account: must be an account name")
                .hasMessageContaining("amount: must be a decimal string");
    }

    @Test
    void refusesALineLongerThanTheLimit() {
        String line = deposit("\"1" + "0".repeat(CommandJson.MAX_LENGTH) + "\"");
        assertThatThrownBy(() -> CommandJson.parse(line)).hasMessageContaining("at most " + CommandJson.MAX_LENGTH);
    }

    @Test
    void keepsAMessageOnOneLineWhateverTheValue() {
        String line = "{\"id\":\"o1\",\"type\":\"OpenAccount\",\"account\":\"a\\nb:FUTURES\"}";
        assertThatThrownBy(() -> CommandJson.parse(line))
                .hasMessageContaining("\"a\\u000ab:FUTURES\"")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Nested
    class WellFormedLines {

        @Test
        void openAccount() throws Exception {
            assertThat(CommandJson.parse("{\"type\":\"OpenAccount\",\"account\":\"alice.b-1_x:ELITE\",\"id\":\"o1\"}"))
                    .isEqualTo(new OpenAccount("o1", "alice.b-1_x:ELITE"));
        }

        @Test
        void depositKeepsTheDecimalAsWritten() throws Exception {
            LedgerCommand command = CommandJson.parse(deposit("\"1250.50\""));
            assertThat(command).isInstanceOf(Deposit.class);
            Deposit deposit = (Deposit) command;
            assertThat(deposit.id()).isEqualTo("d1");
            assertThat(deposit.account()).isEqualTo("alice:FUTURES");
            assertThat(deposit.asset()).isEqualTo("USDT");
            assertThat(deposit.amount()).isEqualByComparingTo("1250.5").hasToString("1250.50");
        }

        @ParameterizedTest
        @ValueSource(strings = {"0.00000001", "1000000000000000", "999999999999999.99999999", "1.00000000"})
        void acceptsAmountsAtTheEdgesOfTheRules(String amount) throws Exception {
            Deposit deposit = (Deposit) CommandJson.parse(deposit("\"" + amount + "\""));
            assertThat(deposit.amount()).isEqualByComparingTo(amount);
        }

        @Test
        void withdraw() throws Exception {
            assertThat(CommandJson.parse("{\"id\":\"w1\",\"type\":\"Withdraw\",\"account\":\"alice:LEGACY\",\"asset\":\"BTC\",\"amount\":\"0.5\"}"))
                    .isEqualTo(new Withdraw("w1", "alice:LEGACY", "BTC", new BigDecimal("0.5")));
        }

        @Test
        void transfer() throws Exception {
            assertThat(CommandJson.parse("{\"id\":\"t1\",\"type\":\"Transfer\",\"from\":\"alice:FUTURES\",\"to\":\"alice:COPY\","
                    + "\"asset\":\"USDT\",\"amount\":\"3000\"}"))
                    .isEqualTo(new Transfer("t1", "alice:FUTURES", "alice:COPY", "USDT", new BigDecimal("3000")));
        }

        @Test
        void transferBetweenUsersIsWellFormedAndLeftToTheLedgerToRefuse() throws Exception {
            assertThat(CommandJson.parse("{\"id\":\"t1\",\"type\":\"Transfer\",\"from\":\"alice:FUTURES\",\"to\":\"bob:COPY\","
                    + "\"asset\":\"USDT\",\"amount\":\"1\"}")).isInstanceOf(Transfer.class);
        }

        @Test
        void configureSymbol() throws Exception {
            ConfigureSymbol command = (ConfigureSymbol) CommandJson.parse("{\"id\":\"s1\",\"type\":\"ConfigureSymbol\","
                    + "\"symbol\":\"BTCUSDT\",\"settleAsset\":\"USDT\",\"maintenanceMarginRate\":\"0.005\",\"maxLeverage\":125}");
            assertThat(command.symbol()).isEqualTo("BTCUSDT");
            assertThat(command.settleAsset()).isEqualTo("USDT");
            assertThat(command.maintenanceMarginRate()).isEqualByComparingTo("0.005");
            assertThat(command.maxLeverage()).isEqualTo(125);
        }

        @Test
        void configureSymbolAcceptsAZeroMaintenanceMarginRate() throws Exception {
            ConfigureSymbol command = (ConfigureSymbol) CommandJson.parse("{\"id\":\"s1\",\"type\":\"ConfigureSymbol\","
                    + "\"symbol\":\"ETHUSDT\",\"settleAsset\":\"USDT\",\"maintenanceMarginRate\":\"0\",\"maxLeverage\":1}");
            assertThat(command.maintenanceMarginRate()).isZero();
        }

        @Test
        void updateMarkPrice() throws Exception {
            assertThat(CommandJson.parse("{\"id\":\"m1\",\"type\":\"UpdateMarkPrice\",\"symbol\":\"BTCUSDT\",\"price\":\"61000.5\"}"))
                    .isEqualTo(new UpdateMarkPrice("m1", "BTCUSDT", new BigDecimal("61000.5")));
        }

        @Test
        void recordFillDefaultsTheBookToPersonal() throws Exception {
            RecordFill fill = (RecordFill) CommandJson.parse(fill(""));
            assertThat(fill).isEqualTo(new RecordFill("f1", "alice:LEGACY", "BTCUSDT", Side.BUY, new BigDecimal("0.5"),
                    new BigDecimal("60000"), new BigDecimal("1.5"), 10, MarginMode.ISOLATED));
            assertThat(fill.book()).isEqualTo(Book.PERSONAL);
            assertThat(fill.leader()).isNull();
        }

        @Test
        void recordFillOfTheCopyBookKeepsItsLeader() throws Exception {
            RecordFill fill = (RecordFill) CommandJson.parse(fill(",\"book\":\"COPY\",\"leader\":\"bob\"")
                    .replace("\"fee\":\"1.5\"", "\"fee\":\"0\""));
            assertThat(fill.book()).isEqualTo(Book.COPY);
            assertThat(fill.leader()).isEqualTo("bob");
            assertThat(fill.fee()).isZero();
        }

        @Test
        void adjustIsolatedMarginMayBeNegativeAndDefaultsTheBook() throws Exception {
            assertThat(CommandJson.parse("{\"id\":\"a1\",\"type\":\"AdjustIsolatedMargin\",\"account\":\"alice:FUTURES\","
                    + "\"symbol\":\"BTCUSDT\",\"amount\":\"-25.5\"}"))
                    .isEqualTo(new AdjustIsolatedMargin("a1", "alice:FUTURES", "BTCUSDT", new BigDecimal("-25.5"), Book.PERSONAL));
        }

        @Test
        void settleFundingAcceptsANegativeRateAndAnExplicitBook() throws Exception {
            assertThat(CommandJson.parse("{\"id\":\"fu1\",\"type\":\"SettleFunding\",\"account\":\"alice:LEGACY\","
                    + "\"symbol\":\"BTCUSDT\",\"rate\":\"-0.00010000\",\"markPrice\":\"60000\",\"book\":\"ELITE\"}"))
                    .isEqualTo(new SettleFunding("fu1", "alice:LEGACY", "BTCUSDT", new BigDecimal("-0.00010000"),
                            new BigDecimal("60000"), Book.ELITE));
        }

        @Test
        void liquidateDefaultsTheBook() throws Exception {
            assertThat(CommandJson.parse("{\"id\":\"l1\",\"type\":\"Liquidate\",\"account\":\"alice:FUTURES\","
                    + "\"symbol\":\"BTCUSDT\",\"price\":\"50000\"}"))
                    .isEqualTo(new Liquidate("l1", "alice:FUTURES", "BTCUSDT", new BigDecimal("50000"), Book.PERSONAL));
        }

        @Test
        void setMigrationPhase() throws Exception {
            assertThat(CommandJson.parse("{\"id\":\"p1\",\"type\":\"SetMigrationPhase\",\"phase\":\"NO_NEW_POSITIONS\"}"))
                    .isEqualTo(new SetMigrationPhase("p1", MigrationPhase.NO_NEW_POSITIONS));
        }

        @Test
        void startMigration() throws Exception {
            assertThat(CommandJson.parse("{\"id\":\"g1\",\"type\":\"StartMigration\",\"user\":\"alice\"}"))
                    .isEqualTo(new StartMigration("g1", "alice"));
        }

        @Test
        void setLeaderTerms() throws Exception {
            assertThat(CommandJson.parse("{\"id\":\"lt1\",\"type\":\"SetLeaderTerms\",\"leader\":\"alice\","
                    + "\"profitShareRate\":\"0.1\",\"maxFollowers\":100}"))
                    .isEqualTo(new SetLeaderTerms("lt1", "alice", new BigDecimal("0.1"), 100));
        }

        @Test
        void followByRatioLeavesTheAmountAndTheCapsOut() throws Exception {
            assertThat(CommandJson.parse("{\"id\":\"f1\",\"type\":\"Follow\",\"copier\":\"bob\",\"leader\":\"alice\","
                    + "\"mode\":\"RATIO\",\"ratio\":\"0.5\"}"))
                    .isEqualTo(Follow.byRatio("f1", "bob", "alice", new BigDecimal("0.5")));
        }

        @Test
        void followByFixedAmountWithBothCaps() throws Exception {
            assertThat(CommandJson.parse("{\"id\":\"f2\",\"type\":\"Follow\",\"copier\":\"carl\",\"leader\":\"alice\","
                    + "\"mode\":\"FIXED_AMOUNT\",\"amount\":\"1000\",\"maxTotalMargin\":\"1500\",\"maxLoss\":\"300\"}"))
                    .isEqualTo(Follow.byAmount("f2", "carl", "alice", new BigDecimal("1000"))
                            .withMaxTotalMargin(new BigDecimal("1500")).withMaxLoss(new BigDecimal("300")));
        }

        @Test
        void unfollowClosesWithTheLeaderByDefault() throws Exception {
            assertThat(CommandJson.parse("{\"id\":\"u1\",\"type\":\"Unfollow\",\"copier\":\"carl\",\"leader\":\"alice\"}"))
                    .isEqualTo(new Unfollow("u1", "carl", "alice", CloseMode.WITH_LEADER));
            assertThat(CommandJson.parse("{\"id\":\"u2\",\"type\":\"Unfollow\",\"copier\":\"carl\",\"leader\":\"alice\","
                    + "\"close\":\"MANUAL\"}"))
                    .isEqualTo(new Unfollow("u2", "carl", "alice", CloseMode.MANUAL));
        }

        @Test
        void settleProfitShare() throws Exception {
            assertThat(CommandJson.parse("{\"id\":\"s1\",\"type\":\"SettleProfitShare\",\"leader\":\"alice\"}"))
                    .isEqualTo(new SettleProfitShare("s1", "alice"));
        }

        @Test
        void liquidateOfACopiedPositionNamesItsLeader() throws Exception {
            assertThat(CommandJson.parse("{\"id\":\"l2\",\"type\":\"Liquidate\",\"account\":\"bob:COPY\","
                    + "\"symbol\":\"BTCUSDT\",\"price\":\"30000\",\"leader\":\"alice\"}"))
                    .isEqualTo(new Liquidate("l2", "bob:COPY", "BTCUSDT", new BigDecimal("30000"), Book.PERSONAL, "alice"));
        }

        @Test
        void idOf128CharactersIsAccepted() throws Exception {
            String id = "x".repeat(128);
            assertThat(CommandJson.parse("{\"id\":\"" + id + "\",\"type\":\"OpenAccount\",\"account\":\"alice:FUTURES\"}").id())
                    .isEqualTo(id);
        }

        @Test
        void everyCommandTypeIsCoveredAbove() {
            Set<String> covered = Stream.of(OpenAccount.class, Deposit.class, Withdraw.class, Transfer.class,
                            ConfigureSymbol.class, UpdateMarkPrice.class, RecordFill.class, AdjustIsolatedMargin.class,
                            SettleFunding.class, Liquidate.class, SetMigrationPhase.class, StartMigration.class,
                            SetLeaderTerms.class, Follow.class, Unfollow.class, SettleProfitShare.class)
                    .map(Class::getSimpleName).collect(Collectors.toSet());
            assertThat(covered).containsExactlyInAnyOrderElementsOf(CommandTypes.names());
        }
    }
}
