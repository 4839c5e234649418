package dev.ledger.projections.valuation;

import dev.ledger.domain.value.Decimals;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.PositionSide;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The figures of one account derived from its wallets and open positions at the latest marks: the
 * Balance and Risk sections of {@code accounting.md}. Pure arithmetic, shared by the live queries and
 * the point-in-time answers; every shown figure is rounded once, to scale 8 HALF_EVEN, and every
 * comparison is made on exact values.
 */
public final class AccountValuation {

    private static final BigDecimal ZERO = BigDecimal.ZERO.setScale(Decimals.SCALE);

    private final Map<String, BigDecimal> wallets;
    private final List<ValuedPosition> positions;
    private final String riskAsset;
    private final BigDecimal crossMaintenanceMargin;
    private final BigDecimal crossMarginBalance;
    private final boolean hasCross;
    private final boolean liquidatable;

    /** Per asset: the balance figures of {@code accounting.md}. */
    public record AssetFigures(String asset, BigDecimal wallet, BigDecimal isolatedMargin, BigDecimal crossInitialMargin,
                               BigDecimal unrealizedPnl, BigDecimal crossUnrealizedPnl, BigDecimal equity,
                               BigDecimal available) {
    }

    public AccountValuation(Map<String, BigDecimal> wallets, List<OpenPosition> openPositions) {
        this.wallets = new TreeMap<>(Objects.requireNonNull(wallets, "wallets"));
        List<OpenPosition> sorted = new ArrayList<>(openPositions);
        // By symbol, then book (PERSONAL, COPY, ELITE), then the copied leader (a COPY account's own position first).
        sorted.sort(Comparator.comparing(OpenPosition::symbol).thenComparing(OpenPosition::book)
                .thenComparing(OpenPosition::leader, Comparator.nullsFirst(Comparator.naturalOrder())));
        this.riskAsset = chooseRiskAsset(this.wallets, sorted);
        boolean cross = false;
        for (OpenPosition p : sorted) {
            cross |= p.marginMode() == MarginMode.CROSS && p.settleAsset().equals(riskAsset);
        }
        this.hasCross = cross;
        BigDecimal crossMm = BigDecimal.ZERO;
        List<ValuedPosition> isolatedValued = new ArrayList<>();
        for (OpenPosition p : sorted) {
            isolatedValued.add(valueIgnoringAccountFlag(p));
        }
        for (ValuedPosition v : isolatedValued) {
            if (v.position().marginMode() == MarginMode.CROSS && v.position().settleAsset().equals(riskAsset)) {
                crossMm = crossMm.add(v.maintenanceMargin());
            }
        }
        AssetFigures risk = figures(riskAsset, isolatedValued);
        this.crossMaintenanceMargin = crossMm;
        this.crossMarginBalance = risk.wallet().subtract(risk.isolatedMargin()).add(risk.crossUnrealizedPnl());
        this.liquidatable = hasCross && (crossMarginBalance.signum() <= 0 || crossMm.compareTo(crossMarginBalance) >= 0);
        List<ValuedPosition> valued = new ArrayList<>();
        for (ValuedPosition v : isolatedValued) {
            if (v.position().marginMode() == MarginMode.CROSS) {
                valued.add(new ValuedPosition(v.position(), v.entryPrice(), v.markPrice(), v.unrealizedPnl(),
                        v.maintenanceMargin(), v.initialMargin(), null, liquidatable));
            } else {
                valued.add(v);
            }
        }
        this.positions = List.copyOf(valued);
    }

    /** Every asset with a wallet entry, and every settle asset of a position, sorted by asset. */
    public List<AssetFigures> balances() {
        TreeMap<String, AssetFigures> result = new TreeMap<>();
        for (String asset : wallets.keySet()) {
            result.put(asset, figures(asset, positions));
        }
        for (ValuedPosition v : positions) {
            result.computeIfAbsent(v.position().settleAsset(), a -> figures(a, positions));
        }
        return List.copyOf(result.values());
    }

    public List<ValuedPosition> positions() {
        return positions;
    }

    /** Sum of all positions' unrealized PnL (in their settle assets; one asset in practice). */
    public BigDecimal unrealizedPnl() {
        BigDecimal total = BigDecimal.ZERO;
        for (ValuedPosition v : positions) {
            total = total.add(v.unrealizedPnl());
        }
        return total.setScale(Decimals.SCALE);
    }

    public BigDecimal crossMaintenanceMargin() {
        return crossMaintenanceMargin.setScale(Decimals.SCALE);
    }

    public BigDecimal crossMarginBalance() {
        return crossMarginBalance.setScale(Decimals.SCALE);
    }

    /** {@code crossMaintenanceMargin / crossMarginBalance}; null without a CROSS position or when the balance is {@code <= 0}. */
    public BigDecimal crossMarginRatio() {
        if (!hasCross || crossMarginBalance.signum() <= 0) {
            return null;
        }
        return crossMaintenanceMargin.divide(crossMarginBalance, Decimals.SCALE, Decimals.ROUNDING);
    }

    public boolean liquidatable() {
        return liquidatable;
    }

    /** The asset the account-level risk figures are in: see docs/accounting-rules.md. */
    public String riskAsset() {
        return riskAsset;
    }

    private AssetFigures figures(String asset, List<ValuedPosition> valued) {
        BigDecimal wallet = wallets.getOrDefault(asset, BigDecimal.ZERO);
        BigDecimal isolated = BigDecimal.ZERO;
        BigDecimal crossInitial = BigDecimal.ZERO;
        BigDecimal unrealized = BigDecimal.ZERO;
        BigDecimal crossUnrealized = BigDecimal.ZERO;
        for (ValuedPosition v : valued) {
            OpenPosition p = v.position();
            if (!p.settleAsset().equals(asset)) {
                continue;
            }
            unrealized = unrealized.add(v.unrealizedPnl());
            if (p.marginMode() == MarginMode.ISOLATED) {
                isolated = isolated.add(p.positionMargin());
            } else {
                crossInitial = crossInitial.add(v.initialMargin());
                crossUnrealized = crossUnrealized.add(v.unrealizedPnl());
            }
        }
        BigDecimal available = wallet.subtract(isolated).subtract(crossInitial).add(crossUnrealized.min(BigDecimal.ZERO));
        return new AssetFigures(asset, scale(wallet), scale(isolated), scale(crossInitial), scale(unrealized),
                scale(crossUnrealized), scale(wallet.add(unrealized)), scale(available));
    }

    private static ValuedPosition valueIgnoringAccountFlag(OpenPosition p) {
        BigDecimal mmr = p.maintenanceMarginRate() == null ? BigDecimal.ZERO : p.maintenanceMarginRate();
        BigDecimal entryPrice = p.entryNotional().divide(p.quantity(), Decimals.SCALE, Decimals.ROUNDING);
        BigDecimal unrealized;
        BigDecimal maintenance;
        BigDecimal shownMark;
        if (p.markPrice() == null) {
            unrealized = ZERO;
            maintenance = Decimals.round8(p.entryNotional().multiply(mmr));
            shownMark = entryPrice;
        } else {
            unrealized = p.unrealizedPnl();
            maintenance = Decimals.round8(p.markPrice().multiply(p.quantity()).multiply(mmr));
            shownMark = p.markPrice().setScale(Decimals.SCALE);
        }
        BigDecimal initial = p.initialMargin();
        BigDecimal liquidationPrice = null;
        boolean liquidatable = false;
        if (p.marginMode() == MarginMode.ISOLATED) {
            BigDecimal numerator = p.side() == PositionSide.LONG
                    ? p.entryNotional().subtract(p.positionMargin()) : p.entryNotional().add(p.positionMargin());
            BigDecimal denominator = p.quantity().multiply(p.side() == PositionSide.LONG
                    ? BigDecimal.ONE.subtract(mmr) : BigDecimal.ONE.add(mmr));
            if (numerator.signum() > 0 && denominator.signum() > 0) {
                liquidationPrice = numerator.divide(denominator, Decimals.SCALE, Decimals.ROUNDING);
            }
            liquidatable = p.positionMargin().add(unrealized).compareTo(maintenance) <= 0;
        }
        return new ValuedPosition(p, entryPrice, shownMark, scale(unrealized), scale(maintenance), initial,
                liquidationPrice, liquidatable);
    }

    /**
     * Account-level risk is in one asset: that of the CROSS positions, else of any position, else USDT
     * when the account holds it, else its first asset by name (every symbol settles in USDT in practice).
     */
    private static String chooseRiskAsset(Map<String, BigDecimal> wallets, List<OpenPosition> positions) {
        for (OpenPosition p : positions) {
            if (p.marginMode() == MarginMode.CROSS) {
                return p.settleAsset();
            }
        }
        if (!positions.isEmpty()) {
            return positions.get(0).settleAsset();
        }
        if (wallets.containsKey("USDT") || wallets.isEmpty()) {
            return "USDT";
        }
        return wallets.keySet().iterator().next();
    }

    private static BigDecimal scale(BigDecimal value) {
        return value.setScale(Decimals.SCALE, Decimals.ROUNDING);
    }
}
