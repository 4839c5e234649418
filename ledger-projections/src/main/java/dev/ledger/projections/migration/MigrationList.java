package dev.ledger.projections.migration;

import java.util.List;

/** Users' migrations, in user-name order. */
public record MigrationList(List<MigrationView> migrations) {
    public MigrationList {
        migrations = List.copyOf(migrations);
    }
}
