package dev.ledger.domain.command;

import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.AccountType;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The accounts a command reads, named by its fields, so that a writer can bring a whole group's accounts into
 * memory in bulk before it runs the group. A hint, never a rule: a malformed name is left out (the command's
 * own checks refuse it), an account that does not exist is simply not found, and what a command reaches
 * beyond its fields (a lead trade's copiers) its handler loads itself.
 */
public final class CommandTargets {

    private CommandTargets() {
    }

    /** The accounts the commands name, in order, without repeats. */
    public static Set<String> accounts(Collection<? extends Command> commands) {
        Set<String> accounts = new LinkedHashSet<>();
        for (Command command : commands) {
            addAccounts(command, accounts);
        }
        return accounts;
    }

    private static void addAccounts(Command command, Set<String> into) {
        if (command instanceof Deposit deposit) {
            account(deposit.account(), into);
        } else if (command instanceof Withdraw withdraw) {
            account(withdraw.account(), into);
        } else if (command instanceof Transfer transfer) {
            account(transfer.from(), into);
            account(transfer.to(), into);
        } else if (command instanceof RecordFill fill) {
            account(fill.account(), into);
        } else if (command instanceof Liquidate liquidate) {
            account(liquidate.account(), into);
        } else if (command instanceof AdjustIsolatedMargin adjust) {
            account(adjust.account(), into);
        } else if (command instanceof SettleFunding funding) {
            account(funding.account(), into);
        } else if (command instanceof Follow follow) {
            user(follow.copier(), AccountType.COPY, into);
            user(follow.leader(), AccountType.ELITE, into);
        } else if (command instanceof Unfollow unfollow) {
            user(unfollow.copier(), AccountType.COPY, into);
            user(unfollow.leader(), AccountType.ELITE, into);
        } else if (command instanceof SetLeaderTerms terms) {
            user(terms.leader(), AccountType.ELITE, into);
        } else if (command instanceof SettleProfitShare settle) {
            user(settle.leader(), AccountType.ELITE, into);
        } else if (command instanceof StartMigration migration) {
            for (AccountType type : AccountType.values()) {
                user(migration.user(), type, into);
            }
        }
        // Opening an account, market and migration-phase commands read no existing account.
    }

    private static void account(String name, Set<String> into) {
        AccountId id = AccountId.parseOrNull(name);
        if (id != null) {
            into.add(id.toString());
        }
    }

    private static void user(String user, AccountType type, Set<String> into) {
        if (AccountId.isValidUser(user)) {
            into.add(AccountId.of(user, type).toString());
        }
    }
}
