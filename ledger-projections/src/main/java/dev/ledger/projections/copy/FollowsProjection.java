package dev.ledger.projections.copy;

import dev.ledger.domain.event.FeeCharged;
import dev.ledger.domain.event.FollowEnded;
import dev.ledger.domain.event.FollowStarted;
import dev.ledger.domain.event.FundingSettled;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.event.PositionOpened;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.event.ProfitShareSettled;
import dev.ledger.domain.event.TradeCopied;
import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.AccountType;
import dev.ledger.domain.value.CloseMode;
import dev.ledger.domain.value.CopiedPosition;
import dev.ledger.domain.value.Decimals;
import dev.ledger.domain.value.FollowEndReason;
import dev.ledger.domain.value.FollowMode;
import dev.ledger.domain.value.FollowState;
import dev.ledger.projections.support.BufferedTable;
import dev.ledger.projections.support.ReadModelTables;
import dev.ledger.projections.support.StreamKeys;
import dev.ledger.projections.support.Sql;
import dev.ledger.projections.valuation.OpenPosition;
import dev.ledger.projections.valuation.ValuationReader;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.queryhandling.QueryHandler;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The follows read model: each pair (copier, leader) with its latest follow (state, settings, rate), the
 * lead trades copied, clipped and skipped over all its follows, and per asset what was booked on the
 * copier's positions of the leader and the profit share. Margin in use, unrealized PnL and open positions
 * come from the positions read model at query time, at the latest marks. It answers both sides: the
 * follows of a copier and the followers of a leader.
 */
public class FollowsProjection {

    public static final String NAME = "follows";
    public static final List<String> TABLES = List.of("rm_follow", "rm_follow_asset");

    private static final List<String> FOLLOW_COLUMNS = List.of("state", "end_reason", "close_mode", "mode", "amount",
            "ratio", "max_total_margin", "max_loss", "profit_share_rate", "copied", "clipped", "skipped");
    private static final List<String> ASSET_COLUMNS = List.of("realized_pnl", "fees", "funding", "high_water_mark",
            "paid", "owed");

    private final ReadModelTables tables;
    private final BufferedTable follows;
    private final BufferedTable assets;
    private final ValuationReader valuations;

    public FollowsProjection(ReadModelTables tables) {
        this.tables = tables;
        this.follows = tables.table("rm_follow", List.of("copier", "leader"), FOLLOW_COLUMNS)
                .prefetchedByStream(StreamKeys::user);
        this.assets = tables.table("rm_follow_asset", List.of("copier", "leader", "asset"), ASSET_COLUMNS)
                .prefetchedByStream(StreamKeys::user);
        this.valuations = new ValuationReader(tables.connections());
    }

    // ---------------------------------------------------------------- events

    @EventHandler
    void on(FollowStarted event) {
        BufferedTable.Row row = follows.row(copier(event.account()), event.leader());
        if (row.isNull("state")) {
            row.set("copied", 0).set("clipped", 0).set("skipped", 0);
        }
        row.set("state", FollowState.ACTIVE).set("end_reason", null).set("close_mode", null)
                .set("mode", event.mode()).set("amount", event.amount()).set("ratio", event.ratio())
                .set("max_total_margin", event.maxTotalMargin()).set("max_loss", event.maxLoss())
                .set("profit_share_rate", event.profitShareRate());
    }

    @EventHandler
    void on(FollowEnded event) {
        follows.row(copier(event.account()), event.leader())
                .set("state", FollowState.ENDED).set("end_reason", event.reason()).set("close_mode", event.close());
    }

    @EventHandler
    void on(TradeCopied event) {
        BufferedTable.Row row = follows.row(copier(event.account()), event.leader());
        String column = switch (event.outcome()) {
            case COPIED -> "copied";
            case CLIPPED -> "clipped";
            case SKIPPED -> "skipped";
        };
        row.set(column, row.integer(column) + 1);
        if (event.reduced() != null) {
            on(event.reduced());
        }
        if (event.opened() != null) {
            on(event.opened());
        }
        if (event.fee() != null) {
            on(event.fee());
        }
        if (event.liquidated() != null) {
            on(event.liquidated());
        }
    }

    @EventHandler
    void on(PositionOpened event) {
        String leader = CopiedPosition.copyOf(event.account(), event.book(), event.leader());
        if (!leader.isEmpty()) {
            asset(event.account(), leader, event.settleAsset());
        }
    }

    @EventHandler
    void on(PositionReduced event) {
        String leader = CopiedPosition.copyOf(event.account(), event.book(), event.leader());
        if (!leader.isEmpty()) {
            asset(event.account(), leader, event.settleAsset()).add("realized_pnl", event.realizedPnl());
        }
    }

    @EventHandler
    void on(PositionLiquidated event) {
        String leader = CopiedPosition.copyOf(event.account(), event.book(), event.leader());
        if (!leader.isEmpty()) {
            asset(event.account(), leader, event.settleAsset()).add("realized_pnl", event.realizedPnl());
        }
    }

    @EventHandler
    void on(FeeCharged event) {
        if (event.leader() != null && isCopyAccount(event.account())) {
            asset(event.account(), event.leader(), event.asset()).add("fees", event.fee());
        }
    }

    @EventHandler
    void on(FundingSettled event) {
        String leader = CopiedPosition.copyOf(event.account(), event.book(), event.leader());
        if (!leader.isEmpty()) {
            asset(event.account(), leader, event.settleAsset()).add("funding", event.walletChange());
        }
    }

    @EventHandler
    void on(ProfitShareSettled event) {
        asset(event.account(), event.leader(), event.asset())
                .set("high_water_mark", event.highWaterMarkAfter())
                .set("owed", event.owedAfter())
                .set("paid", event.paidTotalAfter());
    }

    private BufferedTable.Row asset(String account, String leader, String asset) {
        BufferedTable.Row row = assets.row(copier(account), leader, asset);
        if (row.isNull("realized_pnl")) {
            ASSET_COLUMNS.forEach(column -> row.set(column, BigDecimal.ZERO));
        }
        return row;
    }

    private static String copier(String account) {
        return AccountId.parse(account).user();
    }

    private static boolean isCopyAccount(String account) {
        AccountId id = AccountId.parseOrNull(account);
        return id != null && id.type() == AccountType.COPY;
    }

    // ---------------------------------------------------------------- queries

    @QueryHandler
    public FollowsView handle(FindFollows query) {
        String copier = query.copier();
        List<Object[]> rows = Sql.query(tables.connections(), "SELECT " + String.join(", ", FOLLOW_COLUMNS)
                        + ", leader FROM " + tables.name("rm_follow") + " WHERE copier = ?",
                s -> s.setString(1, copier), FollowsProjection::followRow);
        Map<String, Map<String, Booked>> booked = booked("copier = ?", copier, true);
        Map<String, List<OpenPosition>> open = new HashMap<>();
        for (ValuationReader.CopiedPosition p : valuations.copiedPositionsOf(AccountId.of(copier, AccountType.COPY).toString())) {
            open.computeIfAbsent(p.leader(), l -> new ArrayList<>()).add(p.position());
        }
        List<FollowsView.Follow> result = new ArrayList<>();
        for (Object[] row : rows) {
            String leader = (String) row[FOLLOW_COLUMNS.size()];
            List<OpenPosition> positions = open.getOrDefault(leader, List.of());
            result.add(new FollowsView.Follow(leader, FollowState.valueOf((String) row[0]),
                    row[1] == null ? null : FollowEndReason.valueOf((String) row[1]),
                    row[2] == null ? null : CloseMode.valueOf((String) row[2]),
                    FollowMode.valueOf((String) row[3]), (BigDecimal) row[4], (BigDecimal) row[5], (BigDecimal) row[6],
                    (BigDecimal) row[7], (BigDecimal) row[8], (Integer) row[9], (Integer) row[10], (Integer) row[11],
                    positions.size(), figures(booked.getOrDefault(leader, Map.of()), positions)));
        }
        result.sort(Comparator.comparing(FollowsView.Follow::leader));
        return new FollowsView(copier, result);
    }

    @QueryHandler
    public Optional<FollowersView> handle(FindFollowers query) {
        String leader = query.leader();
        List<Object[]> terms = Sql.query(tables.connections(), "SELECT profit_share_rate, max_followers, active_followers FROM "
                        + tables.name("rm_leader") + " WHERE leader = ?", s -> s.setString(1, leader),
                r -> new Object[]{Sql.decimal(r, "profit_share_rate"), r.getInt(2), r.getInt(3)});
        if (terms.isEmpty()) {
            return Optional.empty();
        }
        List<String[]> followers = new ArrayList<>(Sql.query(tables.connections(), "SELECT copier, state FROM "
                        + tables.name("rm_follow") + " WHERE leader = ?", s -> s.setString(1, leader),
                r -> new String[]{r.getString(1), r.getString(2)}));
        followers.sort(Comparator.comparing(f -> f[0]));
        if (followers.size() > query.limit()) {
            followers = followers.subList(0, query.limit());
        }
        Map<String, Map<String, Booked>> booked = booked("leader = ?", leader, false);
        Map<String, List<OpenPosition>> open = new HashMap<>();
        for (ValuationReader.CopiedPosition p : valuations.copiedPositionsOfLeader(leader)) {
            open.computeIfAbsent(AccountId.parse(p.account()).user(), c -> new ArrayList<>()).add(p.position());
        }
        List<FollowersView.Follower> result = new ArrayList<>(followers.size());
        for (String[] follower : followers) {
            result.add(new FollowersView.Follower(follower[0], FollowState.valueOf(follower[1]),
                    figures(booked.getOrDefault(follower[0], Map.of()), open.getOrDefault(follower[0], List.of()))));
        }
        Object[] t = terms.get(0);
        return Optional.of(new FollowersView(leader, (BigDecimal) t[0], (Integer) t[1], (Integer) t[2], result));
    }

    /** What was booked per pair and asset, keyed by the other side of the pair (the leader, or the copier). */
    private Map<String, Map<String, Booked>> booked(String where, String value, boolean byLeader) {
        Map<String, Map<String, Booked>> result = new HashMap<>();
        Sql.query(tables.connections(), "SELECT copier, leader, asset, " + String.join(", ", ASSET_COLUMNS) + " FROM "
                        + tables.name("rm_follow_asset") + " WHERE " + where, s -> s.setString(1, value),
                r -> result.computeIfAbsent(r.getString(byLeader ? 2 : 1), k -> new TreeMap<>()).put(r.getString(3),
                        new Booked(Sql.decimal(r, "realized_pnl"), Sql.decimal(r, "fees"), Sql.decimal(r, "funding"),
                                Sql.decimal(r, "high_water_mark"), Sql.decimal(r, "paid"), Sql.decimal(r, "owed"))));
        return result;
    }

    private record Booked(BigDecimal realizedPnl, BigDecimal fees, BigDecimal funding, BigDecimal highWaterMark,
                          BigDecimal paid, BigDecimal owed) {
        static final Booked NOTHING = new Booked(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO);
    }

    /**
     * The figures of one pair per asset: an asset is listed once anything was booked in it on the pair's
     * positions, or margin is in use in it.
     */
    private static List<FollowsView.PairFigures> figures(Map<String, Booked> booked, List<OpenPosition> positions) {
        TreeMap<String, BigDecimal[]> live = new TreeMap<>();
        for (OpenPosition p : positions) {
            BigDecimal[] sums = live.computeIfAbsent(p.settleAsset(), a -> new BigDecimal[]{BigDecimal.ZERO, BigDecimal.ZERO});
            sums[0] = sums[0].add(p.marginInUse());
            sums[1] = sums[1].add(p.unrealizedPnl());
        }
        TreeMap<String, Boolean> assets = new TreeMap<>();
        booked.keySet().forEach(a -> assets.put(a, true));
        live.keySet().forEach(a -> assets.put(a, true));
        List<FollowsView.PairFigures> result = new ArrayList<>(assets.size());
        for (String asset : assets.keySet()) {
            Booked b = booked.getOrDefault(asset, Booked.NOTHING);
            BigDecimal[] l = live.getOrDefault(asset, new BigDecimal[]{BigDecimal.ZERO, BigDecimal.ZERO});
            result.add(new FollowsView.PairFigures(asset, s(l[0]), s(b.realizedPnl()), s(b.fees()), s(b.funding()),
                    s(b.realizedPnl().subtract(b.fees()).add(b.funding())), s(l[1]), s(b.highWaterMark()), s(b.paid()),
                    s(b.owed())));
        }
        return result;
    }

    private static Object[] followRow(java.sql.ResultSet r) throws java.sql.SQLException {
        Object[] row = new Object[FOLLOW_COLUMNS.size() + 1];
        row[0] = r.getString("state");
        row[1] = r.getString("end_reason");
        row[2] = r.getString("close_mode");
        row[3] = r.getString("mode");
        row[4] = Sql.decimal(r, "amount");
        row[5] = Sql.decimal(r, "ratio");
        row[6] = Sql.decimal(r, "max_total_margin");
        row[7] = Sql.decimal(r, "max_loss");
        row[8] = Sql.decimal(r, "profit_share_rate");
        row[9] = r.getInt("copied");
        row[10] = r.getInt("clipped");
        row[11] = r.getInt("skipped");
        row[12] = r.getString("leader");
        return row;
    }

    private static BigDecimal s(BigDecimal value) {
        return value.setScale(Decimals.SCALE, Decimals.ROUNDING);
    }
}
