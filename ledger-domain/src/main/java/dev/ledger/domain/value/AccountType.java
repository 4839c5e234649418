package dev.ledger.domain.value;

/** The kinds of account a user can hold; see the Accounts section of {@code accounting.md}. */
public enum AccountType {
    /** Personal trading; external money enters and leaves only here. */
    FUTURES,
    /** Copies elite traders' strategies; funded only from the same user's FUTURES account. */
    COPY,
    /** An elite trader's own strategy; funded only from the same user's FUTURES account. */
    ELITE,
    /** The combined account of the old system; exists only to be migrated. */
    LEGACY;

    /** Whether external money (deposits, withdrawals) may enter or leave an account of this type. */
    public boolean acceptsExternalMoney() {
        return this == FUTURES || this == LEGACY;
    }

    /** Whether money may move by transfer from an account of this type to one of {@code target}. */
    public boolean mayTransferTo(AccountType target) {
        return (this == FUTURES && (target == COPY || target == ELITE))
                || ((this == COPY || this == ELITE) && target == FUTURES);
    }
}
