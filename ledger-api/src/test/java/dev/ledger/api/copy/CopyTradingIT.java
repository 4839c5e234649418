package dev.ledger.api.copy;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.audit.AuditExport;
import dev.ledger.api.audit.ExportFilter;
import dev.ledger.api.audit.ExportFormat;
import dev.ledger.api.audit.ExportProgress;
import dev.ledger.api.json.CommandJson;
import dev.ledger.api.rebuild.ProjectionRebuilder;
import dev.ledger.api.support.MutableClock;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.value.CloseMode;
import dev.ledger.domain.value.CopyOutcome;
import dev.ledger.domain.value.CopyReason;
import dev.ledger.domain.value.FollowEndReason;
import dev.ledger.domain.value.FollowState;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;
import dev.ledger.projections.ProjectionCatalog;
import dev.ledger.projections.copy.CopiesView;
import dev.ledger.projections.copy.FollowersView;
import dev.ledger.projections.copy.FollowsView;
import dev.ledger.projections.performance.PerformanceView;
import dev.ledger.projections.risk.RiskPosition;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Copy trading through the ledger and its read models, on H2 and on PostgreSQL, with the worked example of
 * docs/copy-trading.md (examples/commands/copy-trading-worked-example.jsonl): every figure the example gives
 * for performance, wallets, follows, followers and copies; the same answers as of earlier instants from the
 * events; rebuilt read models equal to the live ones; and the copy events in the audit export.
 */
class CopyTradingIT {

    static final Path WORKED_EXAMPLE = Path.of("..", "examples", "commands", "copy-trading-worked-example.jsonl");

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    /** The worked example's commands, in file order. */
    static List<LedgerCommand> workedExample() throws Exception {
        List<LedgerCommand> commands = new ArrayList<>();
        for (String line : Files.readAllLines(WORKED_EXAMPLE)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                commands.add(CommandJson.parse(line));
            }
        }
        return commands;
    }

    private static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    /** Sends the commands one by one, the clock one second further for each; returns when each was stamped. */
    private static Map<String, Instant> sendTicking(Ledger ledger, MutableClock clock, List<LedgerCommand> commands) {
        Map<String, Instant> stamped = new HashMap<>();
        for (LedgerCommand command : commands) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(ledger.execute(command)).as(command.id()).isInstanceOf(Outcome.Accepted.class);
            stamped.put(command.id(), clock.instant());
        }
        return stamped;
    }

    @OnEveryStore
    void theWorkedExampleGivesEveryFigureOfTheExample(StoreKind store) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
        // A history checkpoint every 2 events of a stream: the point-in-time answers below restore them.
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(store)).clock(clock).historyCheckpointInterval(2));
        Map<String, Instant> at = sendTicking(ledger, clock, workedExample());

        assertPerformance(ledger.performance("alice:ELITE").orElseThrow(), "100", "15.25", "55.19403818", "139.94403818");
        assertPerformance(ledger.performance("bob:COPY").orElseThrow(), "50", "7.625", "-16.92125", "25.45375");
        assertPerformance(ledger.performance("carl:COPY").orElseThrow(), "103.84616", "15.05192276", "-33.66528818",
                "55.12894906");
        assertPerformance(ledger.performance("dan:COPY").orElseThrow(), "-100", "5.15", "-4.6075", "-109.7575");
        assertPerformance(ledger.performance("alice:FUTURES").orElseThrow(), "0", "0", "0", "0");
        assertWallet(ledger, "alice:FUTURES", "10000");
        assertWallet(ledger, "alice:ELITE", "10139.94403818");
        assertWallet(ledger, "bob:COPY", "2025.45375");
        assertWallet(ledger, "carl:COPY", "3055.12894906");
        assertWallet(ledger, "dan:COPY", "490.2425");

        FollowsView.Follow carl = ledger.follows("carl").follows().get(0);
        assertThat(carl.leader()).isEqualTo("alice");
        assertThat(carl.state()).isEqualTo(FollowState.ENDED);
        assertThat(carl.endReason()).isEqualTo(FollowEndReason.UNFOLLOWED);
        assertThat(carl.close()).isEqualTo(CloseMode.WITH_LEADER);
        assertThat(new int[]{carl.copied(), carl.clipped(), carl.skipped(), carl.openPositions()}).containsExactly(3, 1, 0, 0);
        assertThat(carl.amount()).isEqualByComparingTo("1000");
        assertThat(carl.maxTotalMargin()).isEqualByComparingTo("1500");
        assertThat(carl.ratio()).isNull();
        assertThat(carl.profitShareRate()).isEqualByComparingTo("0.1");
        assertFigures(carl.assets().get(0), "103.84616", "15.05192276", "88.79423724", "336.65288178", "33.66528818", "0");

        FollowersView alice = ledger.followers("alice", 100).orElseThrow();
        assertThat(alice.activeFollowers()).isEqualTo(2);
        assertThat(alice.maxFollowers()).isEqualTo(100);
        assertThat(alice.profitShareRate()).isEqualByComparingTo("0.1");
        assertThat(alice.followers()).extracting(FollowersView.Follower::copier).containsExactly("bob", "carl", "dan");
        assertThat(alice.followers()).extracting(FollowersView.Follower::state)
                .containsExactly(FollowState.ACTIVE, FollowState.ENDED, FollowState.ACTIVE);
        assertFigures(alice.followers().get(0).assets().get(0), "50", "7.625", "42.375", "169.2125", "16.92125", "0");
        assertFigures(alice.followers().get(2).assets().get(0), "-100", "5.15", "-105.15", "46.075", "4.6075", "0");
        assertThat(ledger.followers("alice", 2).orElseThrow().followers()).extracting(FollowersView.Follower::copier)
                .containsExactly("bob", "carl");

        CopiesView dan = ledger.copies("dan", null);
        assertThat(dan.outcomes()).extracting(CopiesView.Outcome::leadTrade).containsExactly("L1", "L2", "L3", "L4");
        assertOutcome(dan.outcomes().get(0), "0.2", "0", CopyOutcome.SKIPPED, CopyReason.INSUFFICIENT_MARGIN);
        assertOutcome(dan.outcomes().get(1), "0.1", "0.1", CopyOutcome.COPIED, null);
        CopiesView carlCopies = ledger.copies("carl", "alice");
        assertOutcome(carlCopies.outcomes().get(1), "0.1", "0.09615384", CopyOutcome.CLIPPED, CopyReason.TOTAL_MARGIN_CAP);
        assertOutcome(carlCopies.outcomes().get(3), "0.15", "0.14807692", CopyOutcome.COPIED, null);
        assertThat(ledger.copies("carl", "nobody").outcomes()).isEmpty();
        assertThat(ledger.follows("alice").follows()).isEmpty();
        assertThat(ledger.followers("bob", 10)).isEmpty();

        // As of the first settlement, from the events: carl still follows, and every pair is at its mark.
        Instant s1 = at.get("S1");
        FollowsView.Follow carlThen = ledger.followsAt("carl", s1).follows().get(0);
        assertThat(carlThen.state()).isEqualTo(FollowState.ACTIVE);
        assertThat(carlThen.openPositions()).isEqualTo(1);
        assertFigures(carlThen.assets().get(0), "348.07692", "11.42403822", "336.65288178", "336.65288178",
                "33.66528818", "0");
        assertThat(carlThen.assets().get(0).marginInUse()).isEqualByComparingTo("749.999984");
        assertThat(ledger.followersAt("alice", 100, s1).orElseThrow().activeFollowers()).isEqualTo(3);
        assertThat(ledger.followersAt("alice", 100, at.get("w18"))).as("before alice's terms").isEmpty();
        assertThat(ledger.copiesAt("dan", null, at.get("L2")).outcomes()).hasSize(2);
        assertThat(ledger.performanceAt("bob:COPY", s1).orElseThrow().profitShare()).isEqualByComparingTo("-16.92125");

        // Rebuilt read models equal the live ones.
        ProjectionRebuilder rebuilder = new ProjectionRebuilder(ledger.store());
        for (String name : ProjectionCatalog.names()) {
            assertThat(rebuilder.rebuild(name, true, ProjectionRebuilder.Progress.NONE).differences()).as(name).isEmpty();
        }
    }

    @OnEveryStore
    void aCopyAccountsRiskNamesTheLeaderOfEachPositionWithItsOwnFirst(StoreKind store) throws Exception {
        Ledger ledger = ledgers.open(store);
        List<LedgerCommand> upToL2 = new ArrayList<>();
        for (LedgerCommand command : workedExample()) {
            upToL2.add(command);
            if (command.id().equals("L2")) {
                break;
            }
        }
        assertThat(ledger.executeAll(upToL2)).allMatch(o -> o instanceof Outcome.Accepted);
        // bob trades on his own in his COPY account too.
        assertThat(ledger.execute(new RecordFill("bob-own", "bob:COPY", "BTCUSDT", Side.SELL, d("0.01"), d("52000"),
                BigDecimal.ZERO, 5, MarginMode.CROSS))).isInstanceOf(Outcome.Accepted.class);

        List<RiskPosition> positions = ledger.risk("bob:COPY").orElseThrow().positions();
        assertThat(positions).extracting(RiskPosition::leader).containsExactly(null, "alice");
        assertThat(positions).extracting(RiskPosition::book).containsOnlyNulls();
        assertThat(positions.get(1).quantity()).isEqualByComparingTo("0.15");
        assertThat(positions.get(1).positionMargin()).isEqualByComparingTo("760");
        assertThat(ledger.follows("bob").follows().get(0).assets().get(0).marginInUse()).isEqualByComparingTo("760");
        // The balance sums both: 760 isolated, and the own CROSS position's initial margin round8(520/5) = 104.
        assertThat(ledger.balance("bob:COPY").orElseThrow().balances().get(0).isolatedMargin()).isEqualByComparingTo("760");
        assertThat(ledger.balance("bob:COPY").orElseThrow().balances().get(0).crossInitialMargin()).isEqualByComparingTo("104");
    }

    @OnEveryStore
    void theAuditExportOfACopierHoldsItsFollowsMirrorsAndProfitShare(StoreKind store, @TempDir Path directory)
            throws Exception {
        Ledger ledger = ledgers.open(store);
        assertThat(ledger.executeAll(workedExample())).allMatch(o -> o instanceof Outcome.Accepted);
        Path file = directory.resolve("carl.jsonl");
        AuditExport.write(ledger.store(), ExportFilter.all().withUser("carl"), ExportFormat.JSON_LINES, file, ExportProgress.NONE);
        String exported = Files.readString(file);
        assertThat(exported).contains("FollowStarted", "TradeCopied", "ProfitShareSettled", "FollowEnded");
        Path leader = directory.resolve("alice.jsonl");
        AuditExport.write(ledger.store(), ExportFilter.all().withUser("alice"), ExportFormat.JSON_LINES, leader, ExportProgress.NONE);
        assertThat(Files.readString(leader)).contains("LeaderTermsSet", "FollowerJoined", "ProfitShareReceived");
    }

    private static void assertPerformance(PerformanceView view, String realized, String fees, String profitShare,
                                          String netPnl) {
        assertThat(view.realizedPnl()).as(view.account() + " realizedPnl").isEqualByComparingTo(realized);
        assertThat(view.fees()).as(view.account() + " fees").isEqualByComparingTo(fees);
        assertThat(view.profitShare()).as(view.account() + " profitShare").isEqualByComparingTo(profitShare);
        assertThat(view.netPnl()).as(view.account() + " netPnl").isEqualByComparingTo(netPnl);
    }

    private static void assertWallet(Ledger ledger, String account, String wallet) {
        assertThat(ledger.balance(account).orElseThrow().balances().get(0).wallet()).as(account).isEqualByComparingTo(wallet);
    }

    private static void assertFigures(FollowsView.PairFigures figures, String realized, String fees, String netPnl,
                                      String highWaterMark, String paid, String owed) {
        assertThat(figures.asset()).isEqualTo("USDT");
        assertThat(figures.realizedPnl()).as("realizedPnl").isEqualByComparingTo(realized);
        assertThat(figures.fees()).as("fees").isEqualByComparingTo(fees);
        assertThat(figures.netPnl()).as("netPnl").isEqualByComparingTo(netPnl);
        assertThat(figures.highWaterMark()).as("highWaterMark").isEqualByComparingTo(highWaterMark);
        assertThat(figures.profitSharePaid()).as("profitSharePaid").isEqualByComparingTo(paid);
        assertThat(figures.profitShareOwed()).as("profitShareOwed").isEqualByComparingTo(owed);
    }

    private static void assertOutcome(CopiesView.Outcome outcome, String leadQuantity, String quantity, CopyOutcome kind,
                                      CopyReason reason) {
        assertThat(outcome.leadQuantity()).as(outcome.leadTrade()).isEqualByComparingTo(leadQuantity);
        assertThat(outcome.quantity()).as(outcome.leadTrade()).isEqualByComparingTo(quantity);
        assertThat(outcome.outcome()).as(outcome.leadTrade()).isEqualTo(kind);
        assertThat(outcome.reason()).as(outcome.leadTrade()).isEqualTo(reason);
    }
}
