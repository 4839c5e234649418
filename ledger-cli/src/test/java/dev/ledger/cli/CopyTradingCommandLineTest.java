package dev.ledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Copy trading on the command line: {@code apply} of the worked example, the shapes of
 * {@code query follows|followers|copies|risk --json}, the refusals of {@code query followers} for a user who
 * is no leader, and every malformed form of the new commands refused before anything is applied.
 */
class CopyTradingCommandLineTest {

    private static final Path WORKED_EXAMPLE = Path.of("..", "examples", "commands", "copy-trading-worked-example.jsonl");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    @Nested
    class Queries {

        private final String db = CliRun.freshDatabase("copy-cli");

        private JsonNode query(String... args) throws Exception {
            List<String> all = new ArrayList<>(List.of("query"));
            all.addAll(List.of(args));
            all.addAll(List.of("--json", "--db", db));
            CliRun run = CliRun.of(all.toArray(String[]::new));
            assertThat(run.exitCode()).as(run.err()).isZero();
            return JSON.readTree(run.out());
        }

        private void applyWorkedExample() {
            CliRun apply = CliRun.of("apply", WORKED_EXAMPLE.toString(), "--db", db);
            assertThat(apply.exitCode()).as(apply.err()).isZero();
            assertThat(apply.out()).contains("applied 30, duplicates 0, rejected 0");
        }

        @Test
        void queryFollowsGivesEachPairInTheShapeOfTheContract() throws Exception {
            applyWorkedExample();
            JsonNode follows = query("follows", "carl");
            assertThat(fields(follows)).containsExactly("copier", "follows");
            JsonNode follow = follows.get("follows").get(0);
            assertThat(fields(follow)).containsExactly("leader", "state", "endReason", "close", "mode", "amount", "ratio",
                    "maxTotalMargin", "maxLoss", "profitShareRate", "copied", "clipped", "skipped", "openPositions",
                    "assets");
            assertThat(follow.get("state").asText()).isEqualTo("ENDED");
            assertThat(follow.get("endReason").asText()).isEqualTo("UNFOLLOWED");
            assertThat(follow.get("close").asText()).isEqualTo("WITH_LEADER");
            assertThat(follow.get("amount").asText()).isEqualTo("1000.00000000");
            assertThat(follow.get("ratio").isNull()).isTrue();
            assertThat(follow.get("maxLoss").isNull()).isTrue();
            assertThat(follow.get("copied").isInt()).isTrue();
            assertThat(follow.get("copied").asInt()).isEqualTo(3);
            assertThat(follow.get("clipped").asInt()).isEqualTo(1);
            JsonNode asset = follow.get("assets").get(0);
            assertThat(fields(asset)).containsExactly("asset", "marginInUse", "realizedPnl", "fees", "funding", "netPnl",
                    "unrealizedPnl", "highWaterMark", "profitSharePaid", "profitShareOwed");
            assertThat(asset.get("highWaterMark").asText()).isEqualTo("336.65288178");
            assertThat(asset.get("profitSharePaid").asText()).isEqualTo("33.66528818");
        }

        @Test
        void queryFollowersGivesTheTermsAndTheFollowersSortedAndLimited() throws Exception {
            applyWorkedExample();
            JsonNode followers = query("followers", "alice");
            assertThat(fields(followers)).containsExactly("leader", "profitShareRate", "maxFollowers", "activeFollowers",
                    "followers");
            assertThat(followers.get("profitShareRate").asText()).isEqualTo("0.10000000");
            assertThat(followers.get("activeFollowers").asInt()).isEqualTo(2);
            assertThat(followers.get("followers").findValuesAsText("copier")).containsExactly("bob", "carl", "dan");
            assertThat(fields(followers.get("followers").get(0))).containsExactly("copier", "state", "assets");
            assertThat(query("followers", "alice", "--limit", "1").get("followers").findValuesAsText("copier"))
                    .containsExactly("bob");
        }

        @Test
        void queryCopiesListsTheOutcomesInLeadTradeOrder() throws Exception {
            applyWorkedExample();
            JsonNode copies = query("copies", "dan", "--leader", "alice");
            assertThat(fields(copies)).containsExactly("copier", "outcomes");
            JsonNode first = copies.get("outcomes").get(0);
            assertThat(fields(first)).containsExactly("leadTrade", "leader", "symbol", "leadQuantity", "quantity", "outcome",
                    "reason");
            assertThat(copies.get("outcomes").findValuesAsText("leadTrade")).containsExactly("L1", "L2", "L3", "L4");
            assertThat(first.get("outcome").asText()).isEqualTo("SKIPPED");
            assertThat(first.get("reason").asText()).isEqualTo("INSUFFICIENT_MARGIN");
            assertThat(first.get("quantity").asText()).isEqualTo("0.00000000");
            assertThat(copies.get("outcomes").get(1).get("reason").isNull()).isTrue();
        }

        @Test
        void usersWhoNeverFollowedHaveEmptyListsAndANonLeaderIsRefused() throws Exception {
            applyWorkedExample();
            assertThat(query("follows", "alice").get("follows")).isEmpty();
            assertThat(query("copies", "alice").get("outcomes")).isEmpty();
            CliRun followers = CliRun.of("query", "followers", "bob", "--db", db);
            assertThat(followers.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(followers.errLines()).singleElement().asString().contains("NOT_A_LEADER");
        }

        @Test
        void theRiskOfACopyAccountNamesTheLeaderOfEachPosition(@TempDir Path directory) throws Exception {
            List<String> upToL2 = new ArrayList<>();
            for (String line : Files.readAllLines(WORKED_EXAMPLE)) {
                upToL2.add(line);
                if (line.contains("\"id\": \"L2\"")) {
                    break;
                }
            }
            Path file = Files.write(directory.resolve("up-to-l2.jsonl"), upToL2);
            assertThat(CliRun.of("apply", file.toString(), "--db", db).exitCode()).isZero();
            JsonNode risk = query("risk", "carl:COPY");
            JsonNode position = risk.get("positions").get(0);
            assertThat(position.get("leader").asText()).isEqualTo("alice");
            assertThat(position.has("book")).isFalse();
            assertThat(position.get("quantity").asText()).isEqualTo("0.29615384");
            // A FUTURES account's positions name no leader.
            assertThat(query("risk", "alice:ELITE").get("positions").get(0).has("leader")).isFalse();
        }

        @Test
        void asOfAnInstantTheFollowsComeFromTheEvents() throws Exception {
            applyWorkedExample();
            JsonNode now = query("follows", "bob");
            JsonNode then = query("follows", "bob", "--at", "2000-01-01T00:00:00Z");
            assertThat(then.get("follows")).as("nothing had happened in 2000").isEmpty();
            assertThat(query("follows", "bob", "--at", "2999-01-01T00:00:00Z")).isEqualTo(now);
        }
    }

    @Nested
    class MalformedInput {

        @TempDir
        Path directory;

        private final String db = CliRun.freshDatabase("copy-malformed");

        /**
         * A file whose first line is good and whose second is {@code bad}: apply must refuse the whole file
         * with exit status 2, name the second line, and apply nothing.
         */
        private void refused(String bad, String why) throws Exception {
            Path file = Files.write(directory.resolve("bad.jsonl"), List.of(
                    "{\"id\":\"ok\",\"type\":\"OpenAccount\",\"account\":\"zed:FUTURES\"}", bad));
            CliRun apply = CliRun.of("apply", file.toString(), "--db", db);
            assertThat(apply.exitCode()).as(apply.out() + apply.err()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(apply.err()).contains("bad.jsonl:2: MALFORMED:", why);
            CliRun accounts = CliRun.of("query", "accounts", "zed", "--json", "--db", db);
            assertThat(JSON.readTree(accounts.out()).get("accounts")).as("nothing was applied").isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"FOLLOW_ALL", "ratio", ""})
        void aFollowModeOutsideItsList(String mode) throws Exception {
            refused("{\"id\":\"f\",\"type\":\"Follow\",\"copier\":\"bob\",\"leader\":\"alice\",\"mode\":\"" + mode
                    + "\",\"ratio\":\"1\"}", "mode: must be one of FIXED_AMOUNT, RATIO");
        }

        @Test
        void anUnfollowCloseOutsideItsList() throws Exception {
            refused("{\"id\":\"u\",\"type\":\"Unfollow\",\"copier\":\"bob\",\"leader\":\"alice\",\"close\":\"LATER\"}",
                    "close: must be one of WITH_LEADER, MANUAL");
        }

        @Test
        void bothAmountAndRatio() throws Exception {
            refused("{\"id\":\"f\",\"type\":\"Follow\",\"copier\":\"bob\",\"leader\":\"alice\",\"mode\":\"RATIO\","
                    + "\"ratio\":\"1\",\"amount\":\"100\"}", "takes ratio only");
        }

        @Test
        void neitherAmountNorRatio() throws Exception {
            refused("{\"id\":\"f\",\"type\":\"Follow\",\"copier\":\"bob\",\"leader\":\"alice\",\"mode\":\"FIXED_AMOUNT\"}",
                    "needs amount");
        }

        @Test
        void theRatioOfTheOtherMode() throws Exception {
            refused("{\"id\":\"f\",\"type\":\"Follow\",\"copier\":\"bob\",\"leader\":\"alice\",\"mode\":\"FIXED_AMOUNT\","
                    + "\"ratio\":\"1\"}", "takes amount only");
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-1", "1000.00000001", "1001", "0.000000001"})
        void aRatioOutOfRange(String ratio) throws Exception {
            refused("{\"id\":\"f\",\"type\":\"Follow\",\"copier\":\"bob\",\"leader\":\"alice\",\"mode\":\"RATIO\","
                    + "\"ratio\":\"" + ratio + "\"}", "ratio:");
        }

        @ParameterizedTest
        @ValueSource(strings = {"amount", "maxTotalMargin", "maxLoss"})
        void aZeroNegativeOrTooPreciseAmount(String field) throws Exception {
            for (String value : new String[]{"0", "-5", "1.000000001", "1000000000000001"}) {
                String sizing = field.equals("amount") ? "" : ",\"amount\":\"100\"";
                refused("{\"id\":\"f\",\"type\":\"Follow\",\"copier\":\"bob\",\"leader\":\"alice\",\"mode\":\"FIXED_AMOUNT\""
                        + sizing + ",\"" + field + "\":\"" + value + "\"}", field + ":");
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"0.50000001", "-0.1", "1", "0.123456789"})
        void aProfitShareRateOutOfRange(String rate) throws Exception {
            refused("{\"id\":\"t\",\"type\":\"SetLeaderTerms\",\"leader\":\"alice\",\"profitShareRate\":\"" + rate
                    + "\",\"maxFollowers\":10}", "profitShareRate:");
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-1", "1000001", "2147483648", "\"10\"", "1.5"})
        void aFollowerLimitOutOfRange(String maxFollowers) throws Exception {
            refused("{\"id\":\"t\",\"type\":\"SetLeaderTerms\",\"leader\":\"alice\",\"profitShareRate\":\"0.1\","
                    + "\"maxFollowers\":" + maxFollowers + "}", "maxFollowers:");
        }

        @Test
        void badNamesOfCopiersAndLeaders() throws Exception {
            refused("{\"id\":\"f\",\"type\":\"Follow\",\"copier\":\"bo b\",\"leader\":\"alice\",\"mode\":\"RATIO\","
                    + "\"ratio\":\"1\"}", "copier:");
            refused("{\"id\":\"u\",\"type\":\"Unfollow\",\"copier\":\"bob\",\"leader\":\"alice:ELITE\"}", "leader:");
            refused("{\"id\":\"s\",\"type\":\"SettleProfitShare\",\"leader\":\"\"}", "leader:");
            refused("{\"id\":\"l\",\"type\":\"Liquidate\",\"account\":\"bob:COPY\",\"symbol\":\"BTCUSDT\",\"price\":\"1\","
                    + "\"leader\":\"x/y\"}", "leader:");
        }

        @Test
        void aLegacyCopyBookFillWithoutItsLeader() throws Exception {
            refused("{\"id\":\"r\",\"type\":\"RecordFill\",\"account\":\"eve:LEGACY\",\"symbol\":\"BTCUSDT\",\"side\":\"BUY\","
                    + "\"quantity\":\"1\",\"price\":\"100\",\"fee\":\"0\",\"leverage\":5,\"marginMode\":\"CROSS\","
                    + "\"book\":\"COPY\"}", "must name the copied elite trader in leader");
        }
    }
}
