package dev.ledger.domain.command;

import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.AccountType;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.Decimals;
import dev.ledger.domain.value.FollowMode;
import dev.ledger.domain.value.Names;
import dev.ledger.domain.value.RejectionCode;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The checks of a command alone (no state), in the order of precedence of {@code accounting.md}:
 * INVALID_ACCOUNT, INVALID_AMOUNT, SAME_ACCOUNT_TRANSFER, CROSS_USER_TRANSFER, TRANSFER_NOT_ALLOWED,
 * SELF_FOLLOW.
 * The symbol and leverage checks need the list of symbols and run in the handlers, still before
 * any check against an account.
 */
public final class CommandChecks {

    private CommandChecks() {
    }

    /** The first rule that the command breaks on its own, if any. */
    public static Optional<Rejection> firstViolation(LedgerCommand command) {
        Rejection violation;
        if (command instanceof OpenAccount open) {
            violation = account("account", open.account());
        } else if (command instanceof Deposit deposit) {
            violation = external("Deposit", deposit.account(), deposit.asset(), deposit.amount());
        } else if (command instanceof Withdraw withdraw) {
            violation = external("Withdraw", withdraw.account(), withdraw.asset(), withdraw.amount());
        } else if (command instanceof Transfer transfer) {
            violation = transfer(transfer);
        } else if (command instanceof ConfigureSymbol configure) {
            violation = firstOf(
                    () -> name("symbol", configure.symbol()),
                    () -> name("settleAsset", configure.settleAsset()),
                    () -> check(isRate(configure.maintenanceMarginRate()) && configure.maintenanceMarginRate().signum() >= 0
                                    && configure.maintenanceMarginRate().compareTo(BigDecimal.ONE) < 0,
                            "maintenanceMarginRate must be in [0, 1) with at most 8 fractional digits", configure.maintenanceMarginRate()),
                    () -> leverage("maxLeverage", configure.maxLeverage()));
        } else if (command instanceof UpdateMarkPrice mark) {
            violation = firstOf(
                    () -> name("symbol", mark.symbol()),
                    () -> priceOrQuantity("price", mark.price()));
        } else if (command instanceof RecordFill fill) {
            violation = firstOf(
                    () -> account("account", fill.account()),
                    () -> leader(fill),
                    () -> name("symbol", fill.symbol()),
                    () -> priceOrQuantity("quantity", fill.quantity()),
                    () -> priceOrQuantity("price", fill.price()),
                    () -> check(Decimals.isValidFee(fill.fee()),
                            "fee must be >= 0, at most 10^15, with at most 8 fractional digits", fill.fee()),
                    () -> leverage("leverage", fill.leverage()));
        } else if (command instanceof AdjustIsolatedMargin adjust) {
            violation = firstOf(
                    () -> account("account", adjust.account()),
                    () -> optionalUser("leader", adjust.leader()),
                    () -> name("symbol", adjust.symbol()),
                    () -> check(Decimals.isValidSignedAmount(adjust.amount()),
                            "amount must be non-zero, at most 10^15 in size, with at most 8 fractional digits", adjust.amount()));
        } else if (command instanceof SettleFunding funding) {
            violation = firstOf(
                    () -> account("account", funding.account()),
                    () -> optionalUser("leader", funding.leader()),
                    () -> name("symbol", funding.symbol()),
                    () -> check(isRate(funding.rate()) && funding.rate().abs().compareTo(BigDecimal.ONE) < 0,
                            "rate must be in (-1, 1) with at most 8 fractional digits", funding.rate()),
                    () -> priceOrQuantity("markPrice", funding.markPrice()));
        } else if (command instanceof Liquidate liquidate) {
            violation = firstOf(
                    () -> account("account", liquidate.account()),
                    () -> optionalUser("leader", liquidate.leader()),
                    () -> name("symbol", liquidate.symbol()),
                    () -> priceOrQuantity("price", liquidate.price()));
        } else if (command instanceof StartMigration start) {
            violation = AccountId.isValidUser(start.user()) ? null
                    : new Rejection(RejectionCode.INVALID_ACCOUNT, "user must match [A-Za-z0-9_.-]{1,64}: " + quote(start.user()));
        } else if (command instanceof SetMigrationPhase) {
            violation = null;
        } else if (command instanceof SetLeaderTerms terms) {
            violation = firstOf(
                    () -> user("leader", terms.leader()),
                    () -> check(terms.profitShareRate() != null && isRate(terms.profitShareRate())
                                    && terms.profitShareRate().signum() >= 0
                                    && terms.profitShareRate().compareTo(MAX_PROFIT_SHARE_RATE) <= 0,
                            "profitShareRate must be in [0, 0.5] with at most 8 fractional digits", terms.profitShareRate()),
                    () -> terms.maxFollowers() != null && terms.maxFollowers() >= 1 && terms.maxFollowers() <= MAX_FOLLOWERS
                            ? null : new Rejection(RejectionCode.INVALID_AMOUNT,
                            "maxFollowers must be an integer from 1 to " + MAX_FOLLOWERS + ": " + terms.maxFollowers()));
        } else if (command instanceof Follow follow) {
            violation = firstOf(
                    () -> user("copier", follow.copier()),
                    () -> user("leader", follow.leader()),
                    () -> followSizing(follow),
                    () -> follow.maxTotalMargin() == null ? null : positive("maxTotalMargin", follow.maxTotalMargin()),
                    () -> follow.maxLoss() == null ? null : positive("maxLoss", follow.maxLoss()),
                    () -> follow.copier().equals(follow.leader()) ? new Rejection(RejectionCode.SELF_FOLLOW,
                            follow.copier() + " cannot follow itself") : null);
        } else if (command instanceof Unfollow unfollow) {
            violation = firstOf(
                    () -> user("copier", unfollow.copier()),
                    () -> user("leader", unfollow.leader()));
        } else if (command instanceof SettleProfitShare settle) {
            violation = user("leader", settle.leader());
        } else {
            violation = null;
        }
        return Optional.ofNullable(violation);
    }

    /** The highest profit share a leader may ask. */
    public static final BigDecimal MAX_PROFIT_SHARE_RATE = new BigDecimal("0.5");
    /** The most followers a leader's terms may allow. */
    public static final int MAX_FOLLOWERS = 1_000_000;
    /** The highest copy ratio. */
    public static final BigDecimal MAX_RATIO = new BigDecimal("1000");

    /** Throws the first violation as a refusal. */
    public static void require(LedgerCommand command) {
        firstViolation(command).ifPresent(r -> {
            throw new CommandRejectedException(r.code(), r.message());
        });
    }

    private static Rejection external(String what, String account, String asset, BigDecimal amount) {
        Rejection bad = account("account", account);
        if (bad == null) {
            bad = money(asset, amount);
        }
        if (bad == null && !AccountId.parse(account).type().acceptsExternalMoney()) {
            bad = new Rejection(RejectionCode.TRANSFER_NOT_ALLOWED,
                    what + " on " + account + ": COPY and ELITE accounts are funded only by transfers from FUTURES");
        }
        return bad;
    }

    private static Rejection transfer(Transfer transfer) {
        Rejection bad = account("from", transfer.from());
        if (bad == null) {
            bad = account("to", transfer.to());
        }
        if (bad == null) {
            bad = money(transfer.asset(), transfer.amount());
        }
        if (bad != null) {
            return bad;
        }
        AccountId from = AccountId.parse(transfer.from());
        AccountId to = AccountId.parse(transfer.to());
        if (from.equals(to)) {
            return new Rejection(RejectionCode.SAME_ACCOUNT_TRANSFER, "from and to are both " + from);
        }
        if (!from.user().equals(to.user())) {
            return new Rejection(RejectionCode.CROSS_USER_TRANSFER,
                    "transfers move money between one user's accounts only: " + from + " -> " + to);
        }
        if (!from.type().mayTransferTo(to.type())) {
            return new Rejection(RejectionCode.TRANSFER_NOT_ALLOWED, "no transfers " + from.type() + " -> " + to.type()
                    + "; allowed: FUTURES->COPY, FUTURES->ELITE, COPY->FUTURES, ELITE->FUTURES");
        }
        return null;
    }

    static Rejection account(String field, String account) {
        if (AccountId.parseOrNull(account) == null) {
            return new Rejection(RejectionCode.INVALID_ACCOUNT,
                    field + " is not an account name USER:TYPE (USER [A-Za-z0-9_.-]{1,64}; TYPE FUTURES, COPY, ELITE or LEGACY): "
                            + quote(account));
        }
        return null;
    }

    static Rejection money(String asset, BigDecimal amount) {
        Rejection badAsset = name("asset", asset);
        if (badAsset != null) {
            return badAsset;
        }
        if (!Decimals.isValidPositiveAmount(amount)) {
            return new Rejection(RejectionCode.INVALID_AMOUNT,
                    "amount must be positive, at most 10^15, with at most 8 fractional digits: "
                            + (amount == null ? "missing" : amount.toPlainString()));
        }
        return null;
    }

    @SafeVarargs
    private static Rejection firstOf(Supplier<Rejection>... checks) {
        for (Supplier<Rejection> check : checks) {
            Rejection rejection = check.get();
            if (rejection != null) {
                return rejection;
            }
        }
        return null;
    }

    private static Rejection check(boolean valid, String rule, BigDecimal value) {
        return valid ? null : new Rejection(RejectionCode.INVALID_AMOUNT,
                rule + ": " + (value == null ? "missing" : value.toPlainString()));
    }

    private static boolean isRate(BigDecimal rate) {
        return rate != null && Decimals.fractionalDigits(rate) <= Decimals.SCALE;
    }

    private static Rejection priceOrQuantity(String field, BigDecimal value) {
        return check(Decimals.isValidPriceOrQuantity(value),
                field + " must be positive, at most 10^12, with at most 8 fractional digits", value);
    }

    private static Rejection leverage(String field, Integer leverage) {
        return leverage != null && leverage >= 1 ? null
                : new Rejection(RejectionCode.INVALID_AMOUNT, field + " must be an integer >= 1: " + leverage);
    }

    /** Asset and symbol names; a malformed one is refused as an invalid amount (it names what is counted). */
    private static Rejection name(String field, String name) {
        return Names.isValidAsset(name) ? null
                : new Rejection(RejectionCode.INVALID_AMOUNT, field + " must match [A-Z0-9]{1,20}: " + quote(name));
    }

    /** A copy fill on a LEGACY account names the copied elite trader; a leader given anywhere must be a user name. */
    private static Rejection leader(RecordFill fill) {
        if (fill.leader() != null && !AccountId.isValidUser(fill.leader())) {
            return new Rejection(RejectionCode.INVALID_ACCOUNT, "leader must be a user name [A-Za-z0-9_.-]{1,64}: "
                    + quote(fill.leader()));
        }
        AccountId account = AccountId.parse(fill.account());
        if (account.type() == AccountType.LEGACY && fill.book() == Book.COPY && fill.leader() == null) {
            return new Rejection(RejectionCode.INVALID_ACCOUNT,
                    "a COPY-book fill on a LEGACY account must name the copied elite trader in leader");
        }
        return null;
    }

    /** FIXED_AMOUNT with an amount and no ratio, or RATIO with a ratio and no amount, each in its range. */
    private static Rejection followSizing(Follow follow) {
        boolean byAmount = follow.mode() == FollowMode.FIXED_AMOUNT;
        BigDecimal given = byAmount ? follow.amount() : follow.ratio();
        BigDecimal other = byAmount ? follow.ratio() : follow.amount();
        String field = byAmount ? "amount" : "ratio";
        if (other != null) {
            return new Rejection(RejectionCode.INVALID_AMOUNT, "mode " + follow.mode() + " takes " + field + " only; leave out "
                    + (byAmount ? "ratio" : "amount"));
        }
        if (given == null) {
            return new Rejection(RejectionCode.INVALID_AMOUNT, "mode " + follow.mode() + " needs " + field);
        }
        if (byAmount) {
            return positive("amount", given);
        }
        return check(isRate(given) && given.signum() > 0 && given.compareTo(MAX_RATIO) <= 0,
                "ratio must be in (0, 1000] with at most 8 fractional digits", given);
    }

    private static Rejection positive(String field, BigDecimal amount) {
        return Decimals.isValidPositiveAmount(amount) ? null : new Rejection(RejectionCode.INVALID_AMOUNT,
                field + " must be positive, at most 10^15, with at most 8 fractional digits: "
                        + (amount == null ? "missing" : amount.toPlainString()));
    }

    private static Rejection user(String field, String user) {
        return AccountId.isValidUser(user) ? null : new Rejection(RejectionCode.INVALID_ACCOUNT,
                field + " must be a user name [A-Za-z0-9_.-]{1,64}: " + quote(user));
    }

    private static Rejection optionalUser(String field, String user) {
        return user == null ? null : user(field, user);
    }

    static String quote(String text) {
        return text == null ? "missing" : "\"" + text + "\"";
    }

}
