package dev.ledger.api.copy;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.json.CommandJson;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.domain.command.Follow;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SettleProfitShare;
import dev.ledger.domain.command.Unfollow;
import dev.ledger.domain.event.TradeCopied;
import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.AccountType;
import dev.ledger.domain.value.FollowState;
import dev.ledger.projections.balance.AssetBalance;
import dev.ledger.projections.copy.FollowersView;
import dev.ledger.projections.copy.FollowsView;
import dev.ledger.projections.performance.PerformanceView;
import dev.ledger.projections.risk.RiskPosition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The worked example of {@code docs/copy-trading.md} is what the ledger books. The test reads the Markdown
 * tables of the document's "Worked example" section, applies
 * {@code examples/commands/copy-trading-worked-example.jsonl} to a ledger on H2 in memory, and compares every
 * number of every row with what the ledger produced: the {@code TradeCopied} events and the copier's position
 * after each lead trade, the pairs' figures after each settlement, the final wallets and performance, and the
 * follows and followers views. It also checks that the tables leave out no lead trade, copier or pair.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CopyTradingDocsTest {

    private static final Path DOC = Path.of("..", "docs", "copy-trading.md");
    private static final Path WORKED_EXAMPLE = Path.of("..", "examples", "commands", "copy-trading-worked-example.jsonl");

    private String section;
    private Ledger ledger;
    /** The commands of the example, by id, in file order. */
    private final Map<String, LedgerCommand> commands = new LinkedHashMap<>();
    /** Every (copier, leader) pair of the example, in the order of the Follow commands. */
    private final Set<Pair> pairs = new LinkedHashSet<>();
    /** After each lead trade: each copier's position copying the leader in the symbol (empty when none). */
    private final Map<String, Map<String, Optional<RiskPosition>>> positionsAfter = new HashMap<>();
    /** After each lead trade: the state of each copier's follow of the leader. */
    private final Map<String, Map<String, FollowState>> statesAfter = new HashMap<>();
    /** After each settlement: the figures of each pair. */
    private final Map<String, Map<Pair, FollowsView.PairFigures>> figuresAfter = new HashMap<>();
    /** The TradeCopied events, by lead trade and copier. */
    private final Map<String, Map<String, TradeCopied>> copied = new HashMap<>();

    record Pair(String copier, String leader) {
    }

    @BeforeAll
    void applyTheWorkedExample() throws Exception {
        section = workedExampleSection(Files.readString(DOC));
        for (String line : Files.readAllLines(WORKED_EXAMPLE)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                LedgerCommand command = CommandJson.parse(line);
                commands.put(command.id(), command);
                if (command instanceof Follow follow) {
                    pairs.add(new Pair(follow.copier(), follow.leader()));
                }
            }
        }
        ledger = Ledger.builder().store(StoreSettings.inMemory("copy-docs-" + UUID.randomUUID())).build();
        for (LedgerCommand command : commands.values()) {
            assertThat(ledger.execute(command)).as(command.id()).isInstanceOf(Outcome.Accepted.class);
            if (command instanceof RecordFill fill && AccountId.parse(fill.account()).type() == AccountType.ELITE) {
                String leader = AccountId.parse(fill.account()).user();
                Map<String, Optional<RiskPosition>> positions = new HashMap<>();
                Map<String, FollowState> states = new HashMap<>();
                for (Pair pair : pairs) {
                    if (pair.leader().equals(leader)) {
                        positions.put(pair.copier(), copiedPosition(pair, fill.symbol()));
                        states.put(pair.copier(), follow(pair).state());
                    }
                }
                positionsAfter.put(fill.id(), positions);
                statesAfter.put(fill.id(), states);
            }
            if (command instanceof SettleProfitShare settle) {
                Map<Pair, FollowsView.PairFigures> figures = new HashMap<>();
                for (Pair pair : pairs) {
                    if (pair.leader().equals(settle.leader())) {
                        figures.put(pair, onlyAsset(follow(pair)));
                    }
                }
                figuresAfter.put(settle.id(), figures);
            }
        }
        for (String copier : pairs.stream().map(Pair::copier).distinct().toList()) {
            ledger.store().eventStorage().readEvents(AccountId.of(copier, AccountType.COPY).toString()).asStream()
                    .map(event -> event.getPayload())
                    .filter(TradeCopied.class::isInstance).map(TradeCopied.class::cast)
                    .forEach(event -> assertThat(copied.computeIfAbsent(event.leadTrade(), t -> new HashMap<>())
                            .put(copier, event)).as("one TradeCopied per lead trade and copier").isNull());
        }
    }

    @AfterAll
    void close() {
        if (ledger != null) {
            ledger.close();
        }
    }

    @Test
    void everyMirrorOfTheTableIsTheTradeCopiedEventAndThePositionAfterIt() {
        Table table = table("lead trade", "copier", "outcome (reason)", "quantity", "fee", "realized",
                "position after: quantity / entryNotional / positionMargin");
        Pattern leadCell = Pattern.compile("(\\S+) (BUY|SELL) (\\S+) @ (\\S+), fee (\\S+)"
                + "(?: \\(after (\\S+)'s Unfollow, (WITH_LEADER|MANUAL)\\))?");
        Pattern copierCell = Pattern.compile("(\\S+)( \\(ENDED\\))?");
        Pattern outcomeCell = Pattern.compile("(COPIED|CLIPPED|SKIPPED)(?: \\((\\w+)\\))?");
        String lead = null;
        Set<String> rows = new TreeSet<>();
        for (List<String> row : table.rows()) {
            String where = "row " + row;
            if (!row.get(0).isEmpty()) {
                Matcher m = matches(leadCell, row.get(0), where);
                lead = m.group(1);
                assertThat(commands.get(lead)).as(where + ": lead trade " + lead + " in the example").isInstanceOf(RecordFill.class);
                RecordFill fill = (RecordFill) commands.get(lead);
                assertThat(fill.side().name()).as(where + ": side").isEqualTo(m.group(2));
                assertNumber(m.group(3), fill.quantity(), where + ": lead quantity");
                assertNumber(m.group(4), fill.price(), where + ": lead price");
                assertNumber(m.group(5), fill.fee(), where + ": lead fee");
                if (m.group(6) != null) {
                    assertThat(unfollowedBefore(lead, m.group(6), m.group(7))).as(where + ": " + m.group(6)
                            + "'s Unfollow " + m.group(7) + " comes before " + lead).isTrue();
                }
            }
            assertThat(lead).as(where + ": the first row names its lead trade").isNotNull();
            Matcher c = matches(copierCell, row.get(1), where);
            String copier = c.group(1);
            assertThat(rows.add(lead + "/" + copier)).as(where + ": one row per lead trade and copier").isTrue();
            TradeCopied event = copied.getOrDefault(lead, Map.of()).get(copier);
            assertThat(event).as(where + ": a TradeCopied of " + lead + " for " + copier).isNotNull();
            assertNumber(((RecordFill) commands.get(lead)).quantity().toPlainString(), event.leadQuantity(),
                    where + ": leadQuantity");
            assertThat(statesAfter.get(lead).get(copier)).as(where + ": the follow's state")
                    .isEqualTo(c.group(2) != null ? FollowState.ENDED : FollowState.ACTIVE);

            Matcher o = matches(outcomeCell, row.get(2), where);
            assertThat(event.outcome().name()).as(where + ": outcome").isEqualTo(o.group(1));
            assertThat(event.reason() == null ? null : event.reason().name()).as(where + ": reason").isEqualTo(o.group(2));
            assertNumber(row.get(3), event.quantity(), where + ": quantity");
            assertNumber(row.get(4), event.fee() == null ? BigDecimal.ZERO : event.fee().fee(), where + ": fee");
            BigDecimal realized = BigDecimal.ZERO;
            if (event.reduced() != null) {
                realized = realized.add(event.reduced().realizedPnl());
            }
            if (event.liquidated() != null) {
                realized = realized.add(event.liquidated().realizedPnl());
            }
            assertNumber(row.get(5), realized, where + ": realized");

            Optional<RiskPosition> position = positionsAfter.get(lead).get(copier);
            if (row.get(6).equals("none")) {
                assertThat(position).as(where + ": no position after " + lead).isEmpty();
            } else {
                List<String> figures = slashed(row.get(6), 3, where);
                assertThat(position).as(where + ": a position after " + lead).isPresent();
                assertNumber(figures.get(0), position.get().quantity(), where + ": position quantity");
                assertNumber(figures.get(1), position.get().entryNotional(), where + ": position entryNotional");
                assertNumber(figures.get(2), position.get().positionMargin(), where + ": position positionMargin");
            }
        }
        Set<String> booked = new TreeSet<>();
        copied.forEach((trade, byCopier) -> byCopier.keySet().forEach(copier -> booked.add(trade + "/" + copier)));
        assertThat(rows).as("the table has a row for every TradeCopied event, and no other").isEqualTo(booked);
    }

    @Test
    void everyPairsFiguresAfterEachSettlementAreThoseOfTheTable() {
        Table table = table(header -> header.get(0).equals("pair") && header.size() > 1
                && header.get(1).contains("netPnl / highWaterMark / paid"));
        Pattern settlementHeader = Pattern.compile("(\\S+): netPnl / highWaterMark / paid(?: \\(cumulative\\))?");
        List<String> settlements = new ArrayList<>();
        for (String cell : table.header().subList(1, table.header().size())) {
            String settlement = matches(settlementHeader, cell, "header cell " + cell).group(1);
            assertThat(commands.get(settlement)).as("settlement " + settlement + " in the example")
                    .isInstanceOf(SettleProfitShare.class);
            settlements.add(settlement);
        }
        assertThat(settlements).as("every settlement of the example has a column")
                .containsExactlyInAnyOrderElementsOf(commands.values().stream()
                        .filter(SettleProfitShare.class::isInstance).map(LedgerCommand::id).toList());
        Set<Pair> listed = new LinkedHashSet<>();
        for (List<String> row : table.rows()) {
            String where = "row " + row;
            Pair pair = pair(row.get(0), where);
            assertThat(listed.add(pair)).as(where + ": one row per pair").isTrue();
            for (int i = 0; i < settlements.size(); i++) {
                FollowsView.PairFigures figures = figuresAfter.get(settlements.get(i)).get(pair);
                assertThat(figures).as(where + ": " + pair + " after " + settlements.get(i)).isNotNull();
                List<String> cell = slashed(row.get(i + 1), 3, where);
                String at = where + " after " + settlements.get(i);
                assertNumber(cell.get(0), figures.netPnl(), at + ": netPnl");
                assertNumber(cell.get(1), figures.highWaterMark(), at + ": highWaterMark");
                assertNumber(cell.get(2), figures.profitSharePaid(), at + ": paid");
            }
        }
        assertThat(listed).as("a row for every pair of the example").isEqualTo(pairs);
    }

    @Test
    void theFinalWalletsAreThoseOfTheTable() {
        Table table = table("account", "wallet");
        assertThat(table.rows()).as("wallet rows").isNotEmpty();
        for (List<String> row : table.rows()) {
            List<AssetBalance> balances = ledger.balance(row.get(0)).orElseThrow(() ->
                    new AssertionError("row " + row + ": no account " + row.get(0))).balances();
            assertThat(balances).as("row " + row + ": one asset").hasSize(1);
            assertNumber(row.get(1), balances.get(0).wallet(), "row " + row + ": wallet");
        }
    }

    @Test
    void theFinalPerformanceIsThatOfTheTable() {
        Table table = table("account", "realizedPnl", "fees", "profitShare", "netPnl");
        assertThat(table.rows()).as("performance rows").isNotEmpty();
        for (List<String> row : table.rows()) {
            String where = "row " + row;
            PerformanceView view = ledger.performance(row.get(0)).orElseThrow(() ->
                    new AssertionError(where + ": no account " + row.get(0)));
            assertNumber(row.get(1), view.realizedPnl(), where + ": realizedPnl");
            assertNumber(row.get(2), view.fees(), where + ": fees");
            assertNumber(row.get(3), view.profitShare(), where + ": profitShare");
            assertNumber(row.get(4), view.netPnl(), where + ": netPnl");
        }
    }

    @Test
    void theFinalFollowsAreThoseOfTheTable() {
        Table table = table("pair", "state", "endReason", "close", "copied", "clipped", "skipped", "openPositions");
        Set<Pair> listed = new LinkedHashSet<>();
        for (List<String> row : table.rows()) {
            String where = "row " + row;
            Pair pair = pair(row.get(0), where);
            assertThat(listed.add(pair)).as(where + ": one row per pair").isTrue();
            FollowsView.Follow follow = follow(pair);
            assertThat(follow.state().name()).as(where + ": state").isEqualTo(row.get(1));
            assertThat(String.valueOf(follow.endReason())).as(where + ": endReason").isEqualTo(row.get(2));
            assertThat(String.valueOf(follow.close())).as(where + ": close").isEqualTo(row.get(3));
            assertCount(row.get(4), follow.copied(), where + ": copied");
            assertCount(row.get(5), follow.clipped(), where + ": clipped");
            assertCount(row.get(6), follow.skipped(), where + ": skipped");
            assertCount(row.get(7), follow.openPositions(), where + ": openPositions");
        }
        assertThat(listed).as("a row for every pair of the example").isEqualTo(pairs);
    }

    @Test
    void theLeadersTermsAndFollowersAreThoseOfTheTable() {
        Table table = table("leader", "profitShareRate", "maxFollowers", "activeFollowers", "followers listed");
        assertThat(table.rows()).as("leader rows").isNotEmpty();
        for (List<String> row : table.rows()) {
            String where = "row " + row;
            FollowersView view = ledger.followers(row.get(0), 1_000_000).orElseThrow(() ->
                    new AssertionError(where + ": " + row.get(0) + " is no leader"));
            assertNumber(row.get(1), view.profitShareRate(), where + ": profitShareRate");
            assertCount(row.get(2), view.maxFollowers(), where + ": maxFollowers");
            assertCount(row.get(3), view.activeFollowers(), where + ": activeFollowers");
            assertCount(row.get(4), view.followers().size(), where + ": followers listed");
        }
    }

    // ---------------------------------------------------------------- the ledger

    private FollowsView.Follow follow(Pair pair) {
        return ledger.follows(pair.copier()).follows().stream().filter(f -> f.leader().equals(pair.leader())).findFirst()
                .orElseThrow(() -> new AssertionError(pair.copier() + " has no follow of " + pair.leader()));
    }

    private static FollowsView.PairFigures onlyAsset(FollowsView.Follow follow) {
        assertThat(follow.assets()).as("the pair's assets").hasSize(1);
        return follow.assets().get(0);
    }

    private Optional<RiskPosition> copiedPosition(Pair pair, String symbol) {
        return ledger.risk(AccountId.of(pair.copier(), AccountType.COPY).toString()).orElseThrow().positions().stream()
                .filter(p -> p.symbol().equals(symbol) && pair.leader().equals(p.leader())).findFirst();
    }

    /** Whether the example has an Unfollow of {@code copier} with {@code close} before {@code leadTrade}. */
    private boolean unfollowedBefore(String leadTrade, String copier, String close) {
        for (LedgerCommand command : commands.values()) {
            if (command.id().equals(leadTrade)) {
                return false;
            }
            if (command instanceof Unfollow unfollow && unfollow.copier().equals(copier)
                    && unfollow.close().name().equals(close)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- the document

    record Table(List<String> header, List<List<String>> rows) {
    }

    private static String workedExampleSection(String doc) {
        int start = doc.indexOf("\n## Worked example\n");
        assertThat(start).as("a section '## Worked example' in " + DOC).isNotNegative();
        int end = doc.indexOf("\n## ", start + 1);
        return end < 0 ? doc.substring(start) : doc.substring(start, end);
    }

    private Table table(String... header) {
        List<String> expected = List.of(header);
        return table(expected::equals);
    }

    /** The one table of the worked example whose header the predicate accepts. */
    private Table table(Predicate<List<String>> header) {
        List<String> lines = section.lines().toList();
        Table found = null;
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (!lines.get(i).startsWith("|") || (i > 0 && lines.get(i - 1).startsWith("|"))) {
                continue;
            }
            List<String> cells = cells(lines.get(i));
            if (!header.test(cells)) {
                continue;
            }
            assertThat(found).as("only one table with the header " + cells).isNull();
            assertThat(lines.get(i + 1)).as("the separator under " + cells).matches("\\|(\\s*:?-+:?\\s*\\|)+");
            List<List<String>> rows = new ArrayList<>();
            for (int j = i + 2; j < lines.size() && lines.get(j).startsWith("|"); j++) {
                List<String> row = cells(lines.get(j));
                assertThat(row).as("the cells of " + lines.get(j)).hasSameSizeAs(cells);
                rows.add(row);
            }
            found = new Table(cells, rows);
        }
        if (found == null) {
            fail("no table with the expected header in the worked example of " + DOC);
        }
        return found;
    }

    private static List<String> cells(String line) {
        String inner = line.strip();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }

    private static Matcher matches(Pattern pattern, String text, String where) {
        Matcher m = pattern.matcher(text);
        if (!m.matches()) {
            fail(where + ": '" + text + "' does not match " + pattern);
        }
        return m;
    }

    private Pair pair(String cell, String where) {
        Matcher m = matches(Pattern.compile("(\\S+) → (\\S+)"), cell, where);
        return new Pair(m.group(1), m.group(2));
    }

    private static List<String> slashed(String cell, int parts, String where) {
        List<String> values = List.of(cell.split(" / ", -1));
        assertThat(values).as(where + ": '" + cell + "' has " + parts + " figures").hasSize(parts);
        return values;
    }

    /** A number as the document writes it (a minus may be U+2212) equals the ledger's, by value. */
    private static void assertNumber(String written, BigDecimal actual, String what) {
        BigDecimal expected;
        try {
            expected = new BigDecimal(written.replace('\u2212', '-'));
        } catch (NumberFormatException e) {
            throw new AssertionError(what + ": '" + written + "' is not a number");
        }
        assertThat(actual).as(what + " (the document says " + written + ")").isNotNull();
        assertThat(actual).as(what + " (the document says " + written + ")").isEqualByComparingTo(expected);
    }

    private static void assertCount(String written, int actual, String what) {
        assertThat(written).as(what).matches("[0-9]+");
        assertThat(actual).as(what + " (the document says " + written + ")").isEqualTo(Integer.parseInt(written));
    }
}
