package dev.ledger.domain.command;

import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.Decimals;
import dev.ledger.domain.value.Names;
import dev.ledger.domain.value.RejectionCode;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The checks of a command alone (no state), in the order of precedence of {@code accounting.md}:
 * INVALID_ACCOUNT, INVALID_AMOUNT, SAME_ACCOUNT_TRANSFER, CROSS_USER_TRANSFER, TRANSFER_NOT_ALLOWED.
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
        } else {
            violation = null;
        }
        return Optional.ofNullable(violation);
    }

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
        if (!Names.isValidAsset(asset)) {
            return new Rejection(RejectionCode.INVALID_AMOUNT, "asset must match [A-Z0-9]{1,20}: " + quote(asset));
        }
        if (!Decimals.isValidPositiveAmount(amount)) {
            return new Rejection(RejectionCode.INVALID_AMOUNT,
                    "amount must be positive, at most 10^15, with at most 8 fractional digits: "
                            + (amount == null ? "missing" : amount.toPlainString()));
        }
        return null;
    }

    static String quote(String text) {
        return text == null ? "missing" : "\"" + text + "\"";
    }

}
