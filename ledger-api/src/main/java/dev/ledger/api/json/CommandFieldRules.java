package dev.ledger.api.json;

import dev.ledger.domain.command.AdjustIsolatedMargin;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.Follow;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SetLeaderTerms;
import dev.ledger.domain.command.SetMigrationPhase;
import dev.ledger.domain.command.SettleProfitShare;
import dev.ledger.domain.command.SettleFunding;
import dev.ledger.domain.command.StartMigration;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.Unfollow;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.command.Withdraw;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static dev.ledger.api.json.FieldRule.ACCOUNT;
import static dev.ledger.api.json.FieldRule.ASSET;
import static dev.ledger.api.json.FieldRule.CONSTANT;
import static dev.ledger.api.json.FieldRule.FEE;
import static dev.ledger.api.json.FieldRule.FUNDING_RATE;
import static dev.ledger.api.json.FieldRule.LEVERAGE;
import static dev.ledger.api.json.FieldRule.MAINTENANCE_MARGIN_RATE;
import static dev.ledger.api.json.FieldRule.MAX_FOLLOWERS;
import static dev.ledger.api.json.FieldRule.NON_ZERO_AMOUNT;
import static dev.ledger.api.json.FieldRule.POSITIVE_AMOUNT;
import static dev.ledger.api.json.FieldRule.PRICE_OR_QUANTITY;
import static dev.ledger.api.json.FieldRule.PROFIT_SHARE_RATE;
import static dev.ledger.api.json.FieldRule.RATIO;
import static dev.ledger.api.json.FieldRule.SYMBOL;
import static dev.ledger.api.json.FieldRule.USER;

/**
 * The one table of what each field of each command type must look like (the command {@code id} has
 * the same rule everywhere and is checked by {@link CommandJson} itself). A command type added to
 * the domain needs its rows here; {@code CommandFieldRulesTest} fails until every field has one.
 */
public final class CommandFieldRules {

    private static final Map<Class<? extends LedgerCommand>, Map<String, FieldRule>> RULES = new HashMap<>();

    static {
        rules(OpenAccount.class, "account", ACCOUNT);
        rules(Deposit.class, "account", ACCOUNT, "asset", ASSET, "amount", POSITIVE_AMOUNT);
        rules(Withdraw.class, "account", ACCOUNT, "asset", ASSET, "amount", POSITIVE_AMOUNT);
        rules(Transfer.class, "from", ACCOUNT, "to", ACCOUNT, "asset", ASSET, "amount", POSITIVE_AMOUNT);
        rules(ConfigureSymbol.class, "symbol", SYMBOL, "settleAsset", ASSET,
                "maintenanceMarginRate", MAINTENANCE_MARGIN_RATE, "maxLeverage", LEVERAGE);
        rules(UpdateMarkPrice.class, "symbol", SYMBOL, "price", PRICE_OR_QUANTITY);
        rules(RecordFill.class, "account", ACCOUNT, "symbol", SYMBOL, "side", CONSTANT,
                "quantity", PRICE_OR_QUANTITY, "price", PRICE_OR_QUANTITY, "fee", FEE, "leverage", LEVERAGE,
                "marginMode", CONSTANT, "book", CONSTANT, "leader", USER);
        rules(AdjustIsolatedMargin.class, "account", ACCOUNT, "symbol", SYMBOL, "amount", NON_ZERO_AMOUNT,
                "book", CONSTANT, "leader", USER);
        rules(SettleFunding.class, "account", ACCOUNT, "symbol", SYMBOL, "rate", FUNDING_RATE,
                "markPrice", PRICE_OR_QUANTITY, "book", CONSTANT, "leader", USER);
        rules(Liquidate.class, "account", ACCOUNT, "symbol", SYMBOL, "price", PRICE_OR_QUANTITY, "book", CONSTANT,
                "leader", USER);
        rules(SetMigrationPhase.class, "phase", CONSTANT);
        rules(StartMigration.class, "user", USER);
        rules(SetLeaderTerms.class, "leader", USER, "profitShareRate", PROFIT_SHARE_RATE, "maxFollowers", MAX_FOLLOWERS);
        rules(Follow.class, "copier", USER, "leader", USER, "mode", CONSTANT, "amount", POSITIVE_AMOUNT, "ratio", RATIO,
                "maxTotalMargin", POSITIVE_AMOUNT, "maxLoss", POSITIVE_AMOUNT);
        rules(Unfollow.class, "copier", USER, "leader", USER, "close", CONSTANT);
        rules(SettleProfitShare.class, "leader", USER);
    }

    private CommandFieldRules() {
    }

    /** The rule of {@code field} of {@code type}, if the table has one. */
    public static Optional<FieldRule> of(Class<? extends LedgerCommand> type, String field) {
        return Optional.ofNullable(RULES.getOrDefault(type, Map.of()).get(field));
    }

    /** Every field rule of {@code type}, in the order written above. */
    public static Map<String, FieldRule> of(Class<? extends LedgerCommand> type) {
        return RULES.getOrDefault(type, Map.of());
    }

    private static void rules(Class<? extends LedgerCommand> type, Object... fieldsAndRules) {
        Map<String, FieldRule> byField = new LinkedHashMap<>();
        for (int i = 0; i < fieldsAndRules.length; i += 2) {
            byField.put((String) fieldsAndRules[i], (FieldRule) fieldsAndRules[i + 1]);
        }
        RULES.put(type, Collections.unmodifiableMap(byField));
    }
}
