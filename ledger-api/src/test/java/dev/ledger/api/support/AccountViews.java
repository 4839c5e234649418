package dev.ledger.api.support;

import dev.ledger.api.Ledger;
import dev.ledger.projections.balance.BalanceView;
import dev.ledger.projections.performance.PerformanceView;
import dev.ledger.projections.risk.RiskView;

import java.time.Instant;
import java.util.Optional;

/**
 * The three per-account views (balance, risk, performance) as one value, so that a test can record
 * them and compare them later with {@code equals}: the view records compare their decimals with
 * {@code equals}, which the read models make safe by showing every figure at scale 8.
 */
public record AccountViews(String account, Optional<BalanceView> balance, Optional<RiskView> risk,
                           Optional<PerformanceView> performance) {

    /** The live views, once the read models have seen every command sent so far. */
    public static AccountViews live(Ledger ledger, String account) {
        return new AccountViews(account, ledger.balance(account), ledger.risk(account), ledger.performance(account));
    }

    /** The point-in-time views as of {@code at}. */
    public static AccountViews at(Ledger ledger, String account, Instant at) {
        return new AccountViews(account, ledger.balanceAt(account, at), ledger.riskAt(account, at),
                ledger.performanceAt(account, at));
    }

    /** What an account that did not exist (yet) shows: nothing. */
    public static AccountViews none(String account) {
        return new AccountViews(account, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
