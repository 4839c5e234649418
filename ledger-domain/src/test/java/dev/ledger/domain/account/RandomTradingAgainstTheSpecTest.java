package dev.ledger.domain.account;

import dev.ledger.domain.command.AdjustIsolatedMargin;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SettleFunding;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.testing.InMemoryLedger;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.domain.value.Side;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random trading on one account, checked step by step against a model written straight from
 * the Positions and Balance rules of accounting.md (independently of {@link Account}): every outcome
 * code, the wallet after every accepted command, and {@code available} — probed after every step by a
 * withdrawal of exactly it (accepted, then deposited back) and of one unit more (refused).
 */
class RandomTradingAgainstTheSpecTest {

    private static final String ACCOUNT = "trader:FUTURES";
    private static final BigDecimal UNIT = new BigDecimal("0.00000001");
    private static final Map<String, Integer> MAX_LEVERAGE = Map.of("BTCUSDT", 125, "ETHUSDT", 20);
    private static final Map<String, BigDecimal> BASE_PRICE = Map.of("BTCUSDT", new BigDecimal("30000"),
            "ETHUSDT", new BigDecimal("2000"));
    private static final int[] LEVERAGES = {1, 2, 3, 5, 7, 10, 20, 21, 125, 126};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42})
    void agreesWithTheSpecOnEveryStep(long seed) {
        Random random = new Random(seed);
        Model model = new Model();
        try (InMemoryLedger ledger = new InMemoryLedger()) {
            MAX_LEVERAGE.forEach((symbol, max) ->
                    ledger.accept(new ConfigureSymbol("cfg-" + symbol, symbol, "USDT", new BigDecimal("0.005"), max)));
            ledger.accept(new OpenAccount("open", ACCOUNT));
            int step = 0;
            for (; step < 160; step++) {
                String id = "s" + step;
                LedgerCommand command = randomCommand(random, id, model);
                RejectionCode expected = model.apply(command);
                RejectionCode actual = ledger.send(command);
                assertThat(actual).as("seed %d step %d: %s", seed, step, command).isEqualTo(expected);
                assertThat(lastWallet(ledger)).as("seed %d step %d wallet after %s", seed, step, command)
                        .isEqualByComparingTo(model.wallet);
                probeAvailable(ledger, model, seed, step);
            }
            assertThat(model.accepted).as("enough accepted steps to mean something").isGreaterThan(step / 3);
            assertThat(model.refusedFor).as("seed %d refusals seen", seed).isNotEmpty();
        }
    }

    private static void probeAvailable(InMemoryLedger ledger, Model model, long seed, int step) {
        BigDecimal available = model.available();
        String at = "seed " + seed + " step " + step + " available " + available.toPlainString();
        BigDecimal above = available.signum() > 0 ? available.add(UNIT) : UNIT;
        assertThat(ledger.send(new Withdraw("p" + step + "a", ACCOUNT, "USDT", above))).as(at)
                .isEqualTo(RejectionCode.INSUFFICIENT_FUNDS);
        if (available.signum() > 0) {
            assertThat(ledger.send(new Withdraw("p" + step + "b", ACCOUNT, "USDT", available))).as(at).isNull();
            ledger.accept(new Deposit("p" + step + "c", ACCOUNT, "USDT", available));
        }
    }

    /** The walletAfter of the account's latest event that carries one. */
    private static BigDecimal lastWallet(InMemoryLedger ledger) {
        List<Object> events = ledger.events(ACCOUNT);
        for (int i = events.size() - 1; i >= 0; i--) {
            Object event = events.get(i);
            for (RecordComponent component : event.getClass().getRecordComponents()) {
                if (component.getName().equals("walletAfter")) {
                    try {
                        return (BigDecimal) component.getAccessor().invoke(event);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return BigDecimal.ZERO;
    }

    private static LedgerCommand randomCommand(Random random, String id, Model model) {
        String symbol = random.nextBoolean() ? "BTCUSDT" : "ETHUSDT";
        int kind = random.nextInt(100);
        if (kind < 8 || model.wallet.signum() <= 0 && kind < 30) {
            return new Deposit(id, ACCOUNT, "USDT", decimal(random, 1000, 50000, 2));
        }
        if (kind < 14) {
            return new Withdraw(id, ACCOUNT, "USDT", decimal(random, 1, 3000, random.nextInt(9)));
        }
        if (kind < 26) {
            return new UpdateMarkPrice(id, symbol, price(random, symbol));
        }
        if (kind < 32) {
            BigDecimal amount = decimal(random, 1, 500, random.nextInt(9));
            return new AdjustIsolatedMargin(id, ACCOUNT, symbol, random.nextBoolean() ? amount : amount.negate());
        }
        if (kind < 37) {
            BigDecimal rate = decimal(random, 0, 1, 8).multiply(new BigDecimal("0.01")).setScale(8, RoundingMode.DOWN);
            return new SettleFunding(id, ACCOUNT, symbol, random.nextBoolean() ? rate : rate.negate(), price(random, symbol));
        }
        if (kind < 41) {
            return new Liquidate(id, ACCOUNT, symbol, price(random, symbol));
        }
        Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
        Position existing = model.positions.get(symbol);
        BigDecimal quantity;
        int shape = random.nextInt(4);
        if (existing != null && shape == 0) {
            quantity = existing.quantity; // an exact close (or a doubling)
        } else if (existing != null && shape == 1) {
            quantity = existing.quantity.add(decimal(random, 0, 2, 8)).max(UNIT); // a flip, most likely
        } else {
            quantity = decimal(random, 0, 3, 1 + random.nextInt(8)).max(UNIT);
        }
        int leverage = existing != null && random.nextInt(4) > 0 ? existing.leverage
                : LEVERAGES[random.nextInt(LEVERAGES.length)];
        MarginMode mode = existing != null && random.nextInt(4) > 0 ? existing.mode
                : random.nextBoolean() ? MarginMode.ISOLATED : MarginMode.CROSS;
        BigDecimal fee = random.nextInt(3) == 0 ? BigDecimal.ZERO : decimal(random, 0, 30, random.nextInt(9));
        return new RecordFill(id, ACCOUNT, symbol, side, quantity, price(random, symbol), fee, leverage, mode);
    }

    private static BigDecimal price(Random random, String symbol) {
        BigDecimal move = BigDecimal.ONE.add(decimal(random, 0, 1, 8).subtract(new BigDecimal("0.5"))
                .multiply(new BigDecimal("0.2")));
        return BASE_PRICE.get(symbol).multiply(move).setScale(random.nextInt(9), RoundingMode.DOWN).max(UNIT);
    }

    /** A decimal in [from, to) with {@code digits} fractional digits. */
    private static BigDecimal decimal(Random random, int from, int to, int digits) {
        BigDecimal unit = BigDecimal.ONE.movePointLeft(digits);
        long units = (long) ((to - from) * Math.pow(10, digits));
        long pick = units <= 0 ? 0 : (long) (random.nextDouble() * units);
        return BigDecimal.valueOf(from).add(unit.multiply(BigDecimal.valueOf(pick))).setScale(digits, RoundingMode.UNNECESSARY);
    }

    // ------------------------------------------------------------------ the model, from accounting.md

    private static BigDecimal round8(BigDecimal exact) {
        return exact.setScale(8, RoundingMode.HALF_EVEN);
    }

    private static final class Position {
        boolean isLong;
        BigDecimal quantity;
        BigDecimal entryNotional;
        int leverage;
        MarginMode mode;
        BigDecimal margin;

        Position copy() {
            Position p = new Position();
            p.isLong = isLong;
            p.quantity = quantity;
            p.entryNotional = entryNotional;
            p.leverage = leverage;
            p.mode = mode;
            p.margin = margin;
            return p;
        }
    }

    private static final class Model {
        BigDecimal wallet = BigDecimal.ZERO;
        Map<String, Position> positions = new TreeMap<>();
        final Map<String, BigDecimal> marks = new HashMap<>();
        int accepted;
        final Map<RejectionCode, Integer> refusedFor = new TreeMap<>();

        BigDecimal available() {
            return available(wallet, positions);
        }

        BigDecimal available(BigDecimal wallet, Map<String, Position> positions) {
            BigDecimal result = wallet;
            BigDecimal crossUnrealized = BigDecimal.ZERO;
            for (Map.Entry<String, Position> entry : positions.entrySet()) {
                Position p = entry.getValue();
                if (p.mode == MarginMode.ISOLATED) {
                    result = result.subtract(p.margin);
                } else {
                    result = result.subtract(round8(p.entryNotional.divide(BigDecimal.valueOf(p.leverage), 20,
                            RoundingMode.HALF_EVEN)));
                    BigDecimal mark = marks.get(entry.getKey());
                    if (mark != null) {
                        BigDecimal value = round8(mark.multiply(p.quantity));
                        crossUnrealized = crossUnrealized.add(p.isLong ? value.subtract(p.entryNotional)
                                : p.entryNotional.subtract(value));
                    }
                }
            }
            return result.add(crossUnrealized.min(BigDecimal.ZERO));
        }

        /** Applies a command by the rules; returns the refusal code or null. */
        RejectionCode apply(LedgerCommand command) {
            RejectionCode code = decide(command);
            if (code == null) {
                accepted++;
            } else {
                refusedFor.merge(code, 1, Integer::sum);
            }
            return code;
        }

        private RejectionCode decide(LedgerCommand command) {
            if (command instanceof Deposit deposit) {
                wallet = wallet.add(deposit.amount());
                return null;
            }
            if (command instanceof Withdraw withdraw) {
                if (withdraw.amount().compareTo(available()) > 0) {
                    return RejectionCode.INSUFFICIENT_FUNDS;
                }
                wallet = wallet.subtract(withdraw.amount());
                return null;
            }
            if (command instanceof UpdateMarkPrice mark) {
                marks.put(mark.symbol(), mark.price());
                return null;
            }
            if (command instanceof AdjustIsolatedMargin adjust) {
                Position p = positions.get(adjust.symbol());
                if (p == null) {
                    return RejectionCode.NO_POSITION;
                }
                if (p.mode != MarginMode.ISOLATED) {
                    return RejectionCode.MARGIN_MODE_MISMATCH;
                }
                if (adjust.amount().signum() > 0 && adjust.amount().compareTo(available()) > 0) {
                    return RejectionCode.INSUFFICIENT_FUNDS;
                }
                BigDecimal after = p.margin.add(adjust.amount());
                if (adjust.amount().signum() < 0 && after.compareTo(round8(p.entryNotional.divide(
                        BigDecimal.valueOf(p.leverage), 20, RoundingMode.HALF_EVEN))) < 0) {
                    return RejectionCode.INSUFFICIENT_MARGIN;
                }
                p.margin = after;
                return null;
            }
            if (command instanceof SettleFunding funding) {
                Position p = positions.get(funding.symbol());
                if (p == null) {
                    return RejectionCode.NO_POSITION;
                }
                BigDecimal payment = round8(p.quantity.multiply(funding.markPrice()).multiply(funding.rate()));
                wallet = p.isLong ? wallet.subtract(payment) : wallet.add(payment);
                return null;
            }
            if (command instanceof Liquidate liquidate) {
                Position p = positions.get(liquidate.symbol());
                if (p == null) {
                    return RejectionCode.NO_POSITION;
                }
                BigDecimal value = round8(liquidate.price().multiply(p.quantity));
                BigDecimal pnl = p.isLong ? value.subtract(p.entryNotional) : p.entryNotional.subtract(value);
                BigDecimal bearable = p.mode == MarginMode.ISOLATED ? p.margin : wallet.max(BigDecimal.ZERO);
                wallet = wallet.add(pnl.max(bearable.negate()));
                positions.remove(liquidate.symbol());
                return null;
            }
            if (command instanceof RecordFill fill) {
                return fill(fill);
            }
            throw new IllegalArgumentException(command.toString());
        }

        private RejectionCode fill(RecordFill fill) {
            if (fill.leverage() > MAX_LEVERAGE.get(fill.symbol())) {
                return RejectionCode.LEVERAGE_TOO_HIGH;
            }
            boolean buy = fill.side() == Side.BUY;
            Position existing = positions.get(fill.symbol());
            boolean increases = existing == null || existing.isLong == buy;
            if (existing != null && increases) {
                if (existing.leverage != fill.leverage()) {
                    return RejectionCode.LEVERAGE_MISMATCH;
                }
                if (existing.mode != fill.marginMode()) {
                    return RejectionCode.MARGIN_MODE_MISMATCH;
                }
            }
            Map<String, Position> after = new TreeMap<>();
            positions.forEach((symbol, p) -> after.put(symbol, p.copy()));
            BigDecimal walletAfter = wallet;
            BigDecimal open = fill.quantity();
            Position p = after.get(fill.symbol());
            if (!increases) {
                BigDecimal q = fill.quantity().min(p.quantity);
                boolean closes = q.compareTo(p.quantity) == 0;
                BigDecimal releasedCost = closes ? p.entryNotional
                        : round8(p.entryNotional.multiply(q).divide(p.quantity, 30, RoundingMode.HALF_EVEN));
                BigDecimal releasedMargin = p.mode == MarginMode.CROSS ? BigDecimal.ZERO : closes ? p.margin
                        : round8(p.margin.multiply(q).divide(p.quantity, 30, RoundingMode.HALF_EVEN));
                BigDecimal value = round8(fill.price().multiply(q));
                walletAfter = walletAfter.add(p.isLong ? value.subtract(releasedCost) : releasedCost.subtract(value));
                p.entryNotional = p.entryNotional.subtract(releasedCost);
                p.margin = p.margin.subtract(releasedMargin);
                p.quantity = p.quantity.subtract(q);
                if (closes) {
                    after.remove(fill.symbol());
                    p = null;
                }
                open = fill.quantity().subtract(q);
            }
            if (open.signum() > 0) {
                BigDecimal notional = round8(fill.price().multiply(open));
                BigDecimal margin = fill.marginMode() == MarginMode.CROSS ? BigDecimal.ZERO
                        : round8(fill.price().multiply(open).divide(BigDecimal.valueOf(fill.leverage()), 30,
                        RoundingMode.HALF_EVEN));
                if (p == null) {
                    p = new Position();
                    p.isLong = buy;
                    p.quantity = open;
                    p.entryNotional = notional;
                    p.leverage = fill.leverage();
                    p.mode = fill.marginMode();
                    p.margin = margin;
                    after.put(fill.symbol(), p);
                } else {
                    p.quantity = p.quantity.add(open);
                    p.entryNotional = p.entryNotional.add(notional);
                    p.margin = p.margin.add(margin);
                }
            }
            walletAfter = walletAfter.subtract(fill.fee());
            if (open.signum() > 0 && available(walletAfter, after).signum() < 0) {
                return RejectionCode.INSUFFICIENT_MARGIN;
            }
            wallet = walletAfter;
            positions = after;
            return null;
        }
    }
}
