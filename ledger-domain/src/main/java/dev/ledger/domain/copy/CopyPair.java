package dev.ledger.domain.copy;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.domain.event.AssetAmount;
import dev.ledger.domain.event.FollowEnded;
import dev.ledger.domain.event.FollowStarted;
import dev.ledger.domain.event.ProfitShareSettled;
import dev.ledger.domain.value.CloseMode;
import dev.ledger.domain.value.CopyOutcome;
import dev.ledger.domain.value.FollowEndReason;
import dev.ledger.domain.value.FollowMode;
import dev.ledger.domain.value.FollowState;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The copier's side of one pair (copier, leader), kept in the copier's COPY account so that copying touches
 * only the copier's own state: the latest follow's settings and state, what was booked on the copier's
 * positions of this leader per asset, the profit-share high-water mark, what is owed and what was paid, and
 * how many lead trades were copied, clipped and skipped over all follows of the pair. Changed only by the
 * account's event-sourcing handlers.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class CopyPair {

    /** The figures of the pair in one asset. */
    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
            isGetterVisibility = JsonAutoDetect.Visibility.NONE)
    public static final class Figures {
        private BigDecimal realizedPnl = BigDecimal.ZERO;
        private BigDecimal fees = BigDecimal.ZERO;
        private BigDecimal funding = BigDecimal.ZERO;
        private BigDecimal highWaterMark = BigDecimal.ZERO;
        private BigDecimal owed = BigDecimal.ZERO;
        private BigDecimal paid = BigDecimal.ZERO;

        /** {@code realizedPnl - fees + funding}: the pair's net PnL, profit share not included. */
        public BigDecimal netPnl() {
            return realizedPnl.subtract(fees).add(funding);
        }

        public BigDecimal highWaterMark() {
            return highWaterMark;
        }

        public BigDecimal owed() {
            return owed;
        }

        public BigDecimal paid() {
            return paid;
        }
    }

    private String leader;
    private FollowState state;
    private FollowEndReason endReason;
    private CloseMode close;
    private FollowMode mode;
    private BigDecimal amount;
    private BigDecimal ratio;
    private BigDecimal maxTotalMargin;
    private BigDecimal maxLoss;
    private BigDecimal profitShareRate;
    private final TreeMap<String, BigDecimal> startNetPnl = new TreeMap<>();
    private final TreeMap<String, Figures> assets = new TreeMap<>();
    private int copied;
    private int clipped;
    private int skipped;

    /** For Jackson (snapshots). */
    private CopyPair() {
    }

    public CopyPair(String leader) {
        this.leader = leader;
    }

    // ---------------------------------------------------------------- changes, from the account's events

    /** A follow of the pair started: its settings replace the last follow's; figures and counts carry on. */
    public void started(FollowStarted event) {
        state = FollowState.ACTIVE;
        endReason = null;
        close = null;
        mode = event.mode();
        amount = event.amount();
        ratio = event.ratio();
        maxTotalMargin = event.maxTotalMargin();
        maxLoss = event.maxLoss();
        profitShareRate = event.profitShareRate();
        startNetPnl.clear();
        for (AssetAmount start : event.startNetPnl()) {
            startNetPnl.put(start.asset(), start.amount());
        }
    }

    public void ended(FollowEnded event) {
        state = FollowState.ENDED;
        endReason = event.reason();
        close = event.close();
    }

    /** Something was booked on one of the copier's positions of this leader. */
    public void booked(String asset, BigDecimal realizedPnl, BigDecimal fee, BigDecimal funding) {
        Figures figures = figures(asset);
        figures.realizedPnl = figures.realizedPnl.add(realizedPnl);
        figures.fees = figures.fees.add(fee);
        figures.funding = figures.funding.add(funding);
    }

    /** The asset is listed even when nothing but margin is in it yet (a position was opened). */
    public void touched(String asset) {
        figures(asset);
    }

    public void counted(CopyOutcome outcome) {
        switch (outcome) {
            case COPIED -> copied++;
            case CLIPPED -> clipped++;
            case SKIPPED -> skipped++;
        }
    }

    public void settled(ProfitShareSettled event) {
        Figures figures = figures(event.asset());
        figures.highWaterMark = event.highWaterMarkAfter();
        figures.owed = event.owedAfter();
        figures.paid = event.paidTotalAfter();
    }

    private Figures figures(String asset) {
        return assets.computeIfAbsent(asset, a -> new Figures());
    }

    // ---------------------------------------------------------------- reading

    public String leader() {
        return leader;
    }

    public boolean isActive() {
        return state == FollowState.ACTIVE;
    }

    /** Whether the copier's positions of this leader follow the leader's closes: active, or ended but not MANUAL. */
    public boolean mirrorsCloses() {
        return state == FollowState.ACTIVE || (state == FollowState.ENDED && close != CloseMode.MANUAL);
    }

    public CopySizing.Terms terms() {
        return new CopySizing.Terms(isActive(), mode, amount, ratio, maxTotalMargin);
    }

    public BigDecimal profitShareRate() {
        return profitShareRate;
    }

    /** The pair's net PnL per asset now (the start values of a new follow). */
    public List<AssetAmount> netPnlByAsset() {
        List<AssetAmount> result = new ArrayList<>(assets.size());
        assets.forEach((asset, figures) -> result.add(new AssetAmount(asset, figures.netPnl())));
        return result;
    }

    public Map<String, Figures> assets() {
        return java.util.Collections.unmodifiableMap(assets);
    }

    /**
     * Whether the active follow has lost {@code maxLoss} or more in some asset: the pair's net PnL now at
     * least {@code maxLoss} below its value when the follow started (0 for an asset it had not booked).
     */
    public boolean lossLimitReached() {
        if (!isActive() || maxLoss == null) {
            return false;
        }
        for (Map.Entry<String, Figures> entry : assets.entrySet()) {
            BigDecimal start = startNetPnl.getOrDefault(entry.getKey(), BigDecimal.ZERO);
            if (start.subtract(entry.getValue().netPnl()).compareTo(maxLoss) >= 0) {
                return true;
            }
        }
        return false;
    }
}
