package dev.ledger.domain.command;

/** Starts the migration of a user's LEGACY account to FUTURES, COPY (and ELITE). */
public record StartMigration(String id, String user) implements LedgerCommand {

    /**
     * False: a refused start (a user without a LEGACY account yet) is not recorded, so that the same start,
     * with the same id ({@code migrate-start:USER} from the command line and the waves), starts the user once
     * the cause is gone instead of repeating the first refusal for good. Idempotency does not depend on the
     * record: the legacy account ignores a start once its migration started (or completed), so a start that
     * runs twice changes nothing the second time; an accepted start is recorded as usual and comes back as a
     * duplicate.
     */
    @Override
    public boolean refusalIsFinal() {
        return false;
    }
}
