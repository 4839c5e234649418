package dev.ledger.domain.copy;

import dev.ledger.domain.account.Account;
import dev.ledger.domain.command.AdjustIsolatedMargin;
import dev.ledger.domain.command.Command;
import dev.ledger.domain.command.CommandRejectedException;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.Follow;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SetLeaderTerms;
import dev.ledger.domain.command.SettleFunding;
import dev.ledger.domain.command.SettleProfitShare;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.Unfollow;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.event.AssetAmount;
import dev.ledger.domain.event.FeeCharged;
import dev.ledger.domain.event.FollowEnded;
import dev.ledger.domain.event.FollowStarted;
import dev.ledger.domain.event.FollowerJoined;
import dev.ledger.domain.event.FollowerLeft;
import dev.ledger.domain.event.FundingSettled;
import dev.ledger.domain.event.InsuranceFundCovered;
import dev.ledger.domain.event.IsolatedMarginAdjusted;
import dev.ledger.domain.event.LeaderTermsSet;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.event.PositionOpened;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.event.ProfitShareReceived;
import dev.ledger.domain.event.ProfitShareSettled;
import dev.ledger.domain.event.TradeCopied;
import dev.ledger.domain.testing.InMemoryLedger;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.CloseMode;
import dev.ledger.domain.value.CopyOutcome;
import dev.ledger.domain.value.CopyReason;
import dev.ledger.domain.value.FollowEndReason;
import dev.ledger.domain.value.FollowMode;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.domain.value.Side;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.GenericAggregateFactory;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.modelling.command.inspection.AggregateModel;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.ledger.domain.value.MarginMode.CROSS;
import static dev.ledger.domain.value.MarginMode.ISOLATED;
import static dev.ledger.domain.value.PositionSide.LONG;
import static dev.ledger.domain.value.PositionSide.SHORT;
import static dev.ledger.domain.value.Side.BUY;
import static dev.ledger.domain.value.Side.SELL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The copy-trading commands on the write side, against copy-trading.md: SetLeaderTerms, Follow, Unfollow,
 * SettleProfitShare and a copier's own commands naming a leader — every refusal code and the order in which
 * they rank, what each command books — and the follow's life around them: the loss limit, what an ended
 * follow still mirrors, a lead liquidation and a lead flip. Figures are worked out by hand from the spec.
 *
 * <p>Every user has a FUTURES account with 100000 USDT. alice and max have ELITE accounts with 50000; bob, carl
 * and dan COPY accounts with 10000; eve has no COPY account. Nobody has leader terms at the start. BTCUSDT
 * marks at 50000, ETHUSDT at 2000. Lead trades are alice's BTCUSDT fills at leverage 10, ISOLATED, no fee,
 * unless a test says otherwise.
 */
class FollowCommandsTest {

    private static final String USDT = "USDT";
    private static final String BTC = "BTCUSDT";
    private static final String ETH = "ETHUSDT";

    private final InMemoryLedger ledger = new InMemoryLedger();
    private int ids;

    @BeforeEach
    void setUp() {
        ledger.accept(new ConfigureSymbol("cfg-btc", BTC, USDT, d("0.005"), 100),
                new ConfigureSymbol("cfg-eth", ETH, USDT, d("0.01"), 50),
                new UpdateMarkPrice("mark-btc", BTC, d("50000")),
                new UpdateMarkPrice("mark-eth", ETH, d("2000")));
        for (String user : List.of("alice", "max")) {
            user(user);
            ledger.accept(new OpenAccount(id(), user + ":ELITE"),
                    new Transfer(id(), user + ":FUTURES", user + ":ELITE", USDT, d("50000")));
        }
        for (String copier : List.of("bob", "carl", "dan")) {
            copier(copier, "10000");
        }
        user("eve");
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    // ---------------------------------------------------------------- SetLeaderTerms

    @Nested
    class SetLeaderTermsCommand {

        @Test
        void acceptsRatesFromZeroToOneHalfAndFollowerLimitsFromOneToAMillion() {
            ledger.accept(new SetLeaderTerms(id(), "alice", d("0"), 1),
                    new SetLeaderTerms(id(), "alice", d("0.5"), 1_000_000),
                    new SetLeaderTerms(id(), "alice", d("0.12345678"), 7));

            assertEvents(ledger.events("alice:LEADER"),
                    new LeaderTermsSet("alice", d("0"), 1),
                    new LeaderTermsSet("alice", d("0.5"), 1_000_000),
                    new LeaderTermsSet("alice", d("0.12345678"), 7));
        }

        @Test
        void refusesARateOutsideZeroToOneHalfOrWithMoreThanEightDigitsAsInvalidAmount() {
            for (String rate : new String[]{"-0.00000001", "0.50000001", "1", "0.123456789", "0.500000000"}) {
                refused(new SetLeaderTerms(id(), "alice", d(rate), 10), RejectionCode.INVALID_AMOUNT);
            }
            refused(new SetLeaderTerms(id(), "alice", null, 10), RejectionCode.INVALID_AMOUNT);
        }

        @Test
        void refusesMaxFollowersOutsideOneToAMillionAsInvalidAmount() {
            for (Integer maxFollowers : new Integer[]{0, -1, 1_000_001, null}) {
                refused(new SetLeaderTerms(id(), "alice", d("0.1"), maxFollowers), RejectionCode.INVALID_AMOUNT);
            }
        }

        @Test
        void refusesAnInvalidLeaderNameBeforeAnyAmount() {
            refused(new SetLeaderTerms(id(), "no good", d("0.9"), 0), RejectionCode.INVALID_ACCOUNT);
            refused(new SetLeaderTerms(id(), "", d("0.1"), 10), RejectionCode.INVALID_ACCOUNT);
            refused(new SetLeaderTerms(id(), "alice:ELITE", d("0.1"), 10), RejectionCode.INVALID_ACCOUNT);
            refused(new SetLeaderTerms(id(), "a".repeat(65), d("0.1"), 10), RejectionCode.INVALID_ACCOUNT);
        }

        @Test
        void refusesALeaderWithoutAnOpenEliteAccountOnlyAfterTheAmountChecks() {
            refused(new SetLeaderTerms(id(), "bob", d("0.1"), 10), RejectionCode.ACCOUNT_NOT_FOUND);
            refused(new SetLeaderTerms(id(), "zed", d("0.1"), 10), RejectionCode.ACCOUNT_NOT_FOUND);
            refused(new SetLeaderTerms(id(), "bob", d("0.6"), 10), RejectionCode.INVALID_AMOUNT);
        }

        @Test
        void loweringMaxFollowersEndsNobodyButRefusesNewFollowsUntilThereIsRoom() {
            copier("erin", "10000");
            ledger.accept(new SetLeaderTerms(id(), "alice", d("0.1"), 3));
            for (String copier : List.of("bob", "carl", "dan")) {
                ledger.accept(Follow.byRatio(id(), copier, "alice", d("0.1")));
            }

            ledger.accept(new SetLeaderTerms(id(), "alice", d("0.1"), 1));

            String l1 = lead(BUY, "1", "50000");
            for (String copier : List.of("bob", "carl", "dan")) {
                assertThat(ofType(ledger.events(copier + ":COPY"), FollowEnded.class)).as(copier + " still follows").isEmpty();
                assertThat(copied(copier, l1).outcome()).as(copier + " still copies").isEqualTo(CopyOutcome.COPIED);
            }
            assertThat(ofType(ledger.events("alice:LEADER"), FollowerLeft.class)).isEmpty();

            refused(Follow.byRatio(id(), "erin", "alice", d("0.1")), RejectionCode.FOLLOWER_LIMIT);
            ledger.accept(new Unfollow(id(), "bob", "alice"));
            refused(Follow.byRatio(id(), "erin", "alice", d("0.1")), RejectionCode.FOLLOWER_LIMIT);
            ledger.accept(new Unfollow(id(), "carl", "alice"));
            refused(Follow.byRatio(id(), "erin", "alice", d("0.1")), RejectionCode.FOLLOWER_LIMIT);
            ledger.accept(new Unfollow(id(), "dan", "alice"));

            ledger.accept(Follow.byRatio(id(), "erin", "alice", d("0.1")));
            assertThat(last(ledger.events("alice:LEADER"), FollowerJoined.class))
                    .isEqualTo(new FollowerJoined("alice", "erin", 1));
        }

        @Test
        void aFollowKeepsTheRateItStartedWithWhenTheTermsChange() {
            leads("0.1");
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.1")));
            ledger.accept(new SetLeaderTerms(id(), "alice", d("0.3"), 100));
            ledger.accept(Follow.byRatio(id(), "carl", "alice", d("0.1")));
            assertThat(last(ledger.events("bob:COPY"), FollowStarted.class).profitShareRate()).isEqualByComparingTo("0.1");
            assertThat(last(ledger.events("carl:COPY"), FollowStarted.class).profitShareRate()).isEqualByComparingTo("0.3");

            lead(BUY, "1", "50000");
            lead(SELL, "1", "52000"); // each copier realizes 0.1 * 2000 = 200
            ledger.accept(new SettleProfitShare(id(), "alice"));

            assertThat(last(ledger.events("bob:COPY"), ProfitShareSettled.class).accrued()).isEqualByComparingTo("20");
            assertThat(last(ledger.events("carl:COPY"), ProfitShareSettled.class).accrued()).isEqualByComparingTo("60");
        }
    }

    // ---------------------------------------------------------------- Follow

    @Nested
    class FollowCommand {

        @BeforeEach
        void aliceLeads() {
            leads("0.1");
        }

        @Test
        void startsAFollowWithTheLeadersCurrentRateAndJoinsTheLeadersBook() {
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.5")).withMaxTotalMargin(d("1500")).withMaxLoss(d("300")));
            ledger.accept(Follow.byAmount(id(), "carl", "alice", d("1000")));

            assertEvents(List.of(last(ledger.events("bob:COPY"), FollowStarted.class)),
                    new FollowStarted("bob:COPY", "alice", FollowMode.RATIO, null, d("0.5"), d("1500"), d("300"), d("0.1"),
                            List.of()));
            assertThat(last(ledger.events("carl:COPY"), FollowStarted.class)).satisfies(started -> {
                assertThat(started.mode()).isEqualTo(FollowMode.FIXED_AMOUNT);
                assertThat(started.amount()).isEqualByComparingTo("1000");
                assertThat(started.ratio()).isNull();
            });
            assertEvents(ofType(ledger.events("alice:LEADER"), FollowerJoined.class),
                    new FollowerJoined("alice", "bob", 1), new FollowerJoined("alice", "carl", 2));
        }

        @Test
        void refusesByTheCommandsOwnRulesInOrderInvalidAccountInvalidAmountSelfFollow() {
            refused(Follow.byRatio(id(), "no good", "no good", d("0")), RejectionCode.INVALID_ACCOUNT);
            refused(Follow.byRatio(id(), "bob", "no good", d("0")), RejectionCode.INVALID_ACCOUNT);
            refused(Follow.byRatio(id(), "bob", null, d("0.5")), RejectionCode.INVALID_ACCOUNT);
            refused(Follow.byRatio(id(), "bob", "bob", d("0")), RejectionCode.INVALID_AMOUNT);
            refused(Follow.byRatio(id(), "bob", "bob", d("1")).withMaxLoss(d("0")), RejectionCode.INVALID_AMOUNT);
            refused(Follow.byRatio(id(), "bob", "bob", d("1")), RejectionCode.SELF_FOLLOW);
        }

        @Test
        void refusesSelfFollowBeforeAnyCheckAgainstState() {
            // zed has no account at all; alice has every account and terms: both are SELF_FOLLOW.
            refused(Follow.byRatio(id(), "zed", "zed", d("1")), RejectionCode.SELF_FOLLOW);
            ledger.accept(new OpenAccount(id(), "alice:COPY"));
            refused(Follow.byAmount(id(), "alice", "alice", d("100")), RejectionCode.SELF_FOLLOW);
        }

        @Test
        void refusesAmountAndRatioBothOrNeitherForTheMode() {
            refused(new Follow(id(), "bob", "alice", FollowMode.FIXED_AMOUNT, d("1000"), d("0.5"), null, null),
                    RejectionCode.INVALID_AMOUNT);
            refused(new Follow(id(), "bob", "alice", FollowMode.FIXED_AMOUNT, null, null, null, null),
                    RejectionCode.INVALID_AMOUNT);
            refused(new Follow(id(), "bob", "alice", FollowMode.FIXED_AMOUNT, null, d("0.5"), null, null),
                    RejectionCode.INVALID_AMOUNT);
            refused(new Follow(id(), "bob", "alice", FollowMode.RATIO, d("1000"), d("0.5"), null, null),
                    RejectionCode.INVALID_AMOUNT);
            refused(new Follow(id(), "bob", "alice", FollowMode.RATIO, null, null, null, null),
                    RejectionCode.INVALID_AMOUNT);
            refused(new Follow(id(), "bob", "alice", FollowMode.RATIO, d("1000"), null, null, null),
                    RejectionCode.INVALID_AMOUNT);
        }

        @Test
        void refusesARatioOutsideZeroToAThousandOrWithMoreThanEightDigits() {
            for (String ratio : new String[]{"0", "-0.5", "1000.00000001", "1001", "0.000000001", "1.000000000"}) {
                refused(Follow.byRatio(id(), "bob", "alice", d(ratio)), RejectionCode.INVALID_AMOUNT);
            }
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("1000")),
                    Follow.byRatio(id(), "carl", "alice", d("0.00000001")));
        }

        @Test
        void refusesAnAmountMaxTotalMarginOrMaxLossBreakingTheNumbersRules() {
            for (String bad : new String[]{"0", "-1", "0.000000001", "100.000000000", "1000000000000000.00000001"}) {
                refused(Follow.byAmount(id(), "bob", "alice", d(bad)), RejectionCode.INVALID_AMOUNT);
                refused(Follow.byAmount(id(), "bob", "alice", d("100")).withMaxTotalMargin(d(bad)),
                        RejectionCode.INVALID_AMOUNT);
                refused(Follow.byRatio(id(), "bob", "alice", d("1")).withMaxLoss(d(bad)), RejectionCode.INVALID_AMOUNT);
            }
            ledger.accept(Follow.byAmount(id(), "bob", "alice", d("1000000000000000"))
                    .withMaxTotalMargin(d("0.00000001")).withMaxLoss(d("1000000000000000")));
        }

        @Test
        void checksTheCopiersCopyAccountThenTheLeadersEliteAccountThenTheTerms() {
            assertThat(refusal(Follow.byRatio(id(), "eve", "zed", d("1")), RejectionCode.ACCOUNT_NOT_FOUND))
                    .contains("eve:COPY");
            assertThat(refusal(Follow.byRatio(id(), "bob", "zed", d("1")), RejectionCode.ACCOUNT_NOT_FOUND))
                    .contains("zed:ELITE");
            // carl is not a leader either, but the missing ELITE account ranks first.
            assertThat(refusal(Follow.byRatio(id(), "bob", "carl", d("1")), RejectionCode.ACCOUNT_NOT_FOUND))
                    .contains("carl:ELITE");
            refused(Follow.byRatio(id(), "bob", "max", d("1")), RejectionCode.NOT_A_LEADER);
            refused(Follow.byRatio(id(), "eve", "max", d("1")), RejectionCode.ACCOUNT_NOT_FOUND);
        }

        @Test
        void refusesASecondFollowOfTheSamePairAsAlreadyFollowingBeforeTheFollowerLimit() {
            ledger.accept(new SetLeaderTerms(id(), "alice", d("0.1"), 1));
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.1")));
            refused(Follow.byRatio(id(), "bob", "alice", d("0.2")), RejectionCode.ALREADY_FOLLOWING);
            refused(Follow.byRatio(id(), "carl", "alice", d("0.2")), RejectionCode.FOLLOWER_LIMIT);
        }

        @Test
        void refusesWhilePositionsOfAnEarlierFollowAreOpenBeforeTheFollowerLimit() {
            ledger.accept(new SetLeaderTerms(id(), "alice", d("0.1"), 1));
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.1")));
            lead(BUY, "1", "50000");
            ledger.accept(new Unfollow(id(), "bob", "alice", CloseMode.WITH_LEADER));
            ledger.accept(Follow.byRatio(id(), "carl", "alice", d("0.1")));

            refused(Follow.byRatio(id(), "bob", "alice", d("0.1")), RejectionCode.COPY_POSITIONS_OPEN);

            ledger.accept(new Unfollow(id(), "carl", "alice"));
            refused(Follow.byRatio(id(), "bob", "alice", d("0.1")), RejectionCode.COPY_POSITIONS_OPEN);
            lead(SELL, "1", "50000"); // bob's ended follow closes with the leader
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.1")));
        }

        @Test
        void refusesAFollowWhenTheLeaderHasMaxFollowersActiveFollows() {
            ledger.accept(new SetLeaderTerms(id(), "alice", d("0.1"), 2));
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.1")), Follow.byRatio(id(), "carl", "alice", d("0.1")));
            refused(Follow.byRatio(id(), "dan", "alice", d("0.1")), RejectionCode.FOLLOWER_LIMIT);
            // another leader's limit is its own
            ledger.accept(new SetLeaderTerms(id(), "max", d("0.1"), 1), Follow.byRatio(id(), "dan", "max", d("0.1")));
        }

        @Test
        void followingAgainTakesTheNewSettingsAndRateWhileFiguresHighWaterMarkAndCountsCarryOn() {
            lead(ETH, BUY, "1", "2000"); // alice holds ETH before bob follows
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.1")));
            String l1 = lead(BUY, "1", "50000");
            String l2 = lead(SELL, "1", "52000"); // bob realizes 0.1 * 2000 = 200
            String e1 = lead(ETH, SELL, "1", "2000"); // closes alice's ETH: bob holds none
            assertThat(copied("bob", l1).outcome()).isEqualTo(CopyOutcome.COPIED);
            assertThat(copied("bob", l2).outcome()).isEqualTo(CopyOutcome.COPIED);
            assertThat(copied("bob", e1)).extracting(TradeCopied::outcome, TradeCopied::reason)
                    .containsExactly(CopyOutcome.SKIPPED, CopyReason.NO_POSITION);

            ledger.accept(new Unfollow("U1", "bob", "alice"));
            assertEvents(ofType(ledger.events("bob:COPY"), ProfitShareSettled.class),
                    new ProfitShareSettled("bob:COPY", "alice", "alice:ELITE", USDT, d("200"), d("20"), d("200"), d("20"),
                            d("0"), d("20"), d("10180")));

            ledger.accept(new SetLeaderTerms(id(), "alice", d("0.2"), 100));
            ledger.accept(Follow.byAmount(id(), "bob", "alice", d("1000")).withMaxTotalMargin(d("500")));
            assertEvents(List.of(last(ledger.events("bob:COPY"), FollowStarted.class)),
                    new FollowStarted("bob:COPY", "alice", FollowMode.FIXED_AMOUNT, d("1000"), null, d("500"), null,
                            d("0.2"), List.of(new AssetAmount(USDT, d("200")))));

            // want rounddown8(1000 * 10 / 50000) = 0.2; room rounddown8(500 * 10 / 50000) = 0.1
            String l3 = lead(BUY, "1", "50000");
            assertThat(copied("bob", l3)).extracting(TradeCopied::outcome, TradeCopied::reason)
                    .containsExactly(CopyOutcome.CLIPPED, CopyReason.TOTAL_MARGIN_CAP);
            assertThat(copied("bob", l3).quantity()).isEqualByComparingTo("0.1");
            String l4 = lead(SELL, "1", "50500"); // bob realizes 0.1 * 500 = 50: the pair's net PnL is 250
            assertThat(copied("bob", l4).outcome()).isEqualTo(CopyOutcome.COPIED);

            ledger.accept(new SettleProfitShare("S1", "alice"));
            // accrued on the gain above the high-water mark of 200, at the new follow's rate 0.2
            assertThat(last(ledger.events("bob:COPY"), ProfitShareSettled.class)).satisfies(settled -> assertSame(settled,
                    new ProfitShareSettled("bob:COPY", "alice", "alice:ELITE", USDT, d("250"), d("10"), d("250"), d("10"),
                            d("0"), d("30"), d("10220"))));

            // copied L1, L2, L4; clipped L3; skipped E1 — over both follows of the pair
            assertThat(countsOfPair("bob", "alice")).containsExactly(3, 1, 1);
        }
    }

    // ---------------------------------------------------------------- Unfollow

    @Nested
    class UnfollowCommand {

        @BeforeEach
        void aliceLeads() {
            leads("0.1");
        }

        @Test
        void refusesInvalidUserNames() {
            refused(new Unfollow(id(), "no good", "alice"), RejectionCode.INVALID_ACCOUNT);
            refused(new Unfollow(id(), "bob", "no good"), RejectionCode.INVALID_ACCOUNT);
            refused(new Unfollow(id(), "bob", "alice:ELITE"), RejectionCode.INVALID_ACCOUNT);
        }

        @Test
        void checksTheCopiersCopyAccountThenTheLeadersEliteAccountThenTermsThenTheFollow() {
            assertThat(refusal(new Unfollow(id(), "eve", "zed"), RejectionCode.ACCOUNT_NOT_FOUND)).contains("eve:COPY");
            assertThat(refusal(new Unfollow(id(), "bob", "zed"), RejectionCode.ACCOUNT_NOT_FOUND)).contains("zed:ELITE");
            refused(new Unfollow(id(), "bob", "max"), RejectionCode.NOT_A_LEADER);
            refused(new Unfollow(id(), "bob", "alice"), RejectionCode.NOT_FOLLOWING);
        }

        @Test
        void anUnfollowOfOneselfIsNotFollowing() {
            ledger.accept(new OpenAccount(id(), "alice:COPY"));
            refused(new Unfollow(id(), "alice", "alice"), RejectionCode.NOT_FOLLOWING);
            refused(new Unfollow(id(), "alice", "alice", CloseMode.MANUAL), RejectionCode.NOT_FOLLOWING);
        }

        @Test
        void refusesASecondUnfollowAsNotFollowing() {
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.1")), new Unfollow(id(), "bob", "alice"));
            refused(new Unfollow(id(), "bob", "alice"), RejectionCode.NOT_FOLLOWING);
        }

        @Test
        void endsTheFollowWithLeaderByDefaultAndSettlesThePairAtOnce() {
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.1")));
            lead(BUY, "1", "50000");
            lead(SELL, "1", "52000"); // bob +200, alice +2000

            ledger.accept(new Unfollow("U1", "bob", "alice", null));

            List<Object> bob = ledger.events("bob:COPY");
            assertEvents(bob.subList(bob.size() - 2, bob.size()),
                    new FollowEnded("bob:COPY", "alice", FollowEndReason.UNFOLLOWED, CloseMode.WITH_LEADER),
                    new ProfitShareSettled("bob:COPY", "alice", "alice:ELITE", USDT, d("200"), d("20"), d("200"), d("20"),
                            d("0"), d("20"), d("10180")));
            assertEvents(List.of(last(ledger.events("alice:ELITE"), ProfitShareReceived.class)),
                    new ProfitShareReceived("alice:ELITE", USDT, d("20"), 1, d("52020")));
            assertEvents(List.of(last(ledger.events("alice:LEADER"), FollowerLeft.class)),
                    new FollowerLeft("alice", "bob", FollowEndReason.UNFOLLOWED, false, 0));
        }

        @Test
        void withLeaderKeepsMirroringClosesAndSkipsLeadTradesWithoutAClosingPart() {
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.1")));
            lead(BUY, "1", "50000"); // bob LONG 0.1, entry 5000
            ledger.accept(new Unfollow(id(), "bob", "alice", CloseMode.WITH_LEADER));
            assertThat(last(ledger.events("alice:LEADER"), FollowerLeft.class).stillMirrored()).isTrue();

            String increase = lead(BUY, "1", "50000");
            assertEvents(List.of(copied("bob", increase)),
                    new TradeCopied("bob:COPY", "alice", increase, BTC, CopyOutcome.SKIPPED, CopyReason.FOLLOW_ENDED, d("1"),
                            d("0"), null, null, null, null, null, null));

            String otherSymbol = lead(ETH, BUY, "10", "2000");
            assertThat(copiedOrNull("bob", otherSymbol)).as("an ended follow with nothing in ETHUSDT is not looked at").isNull();

            String half = lead(SELL, "1", "51000"); // c = 1 of Q = 2: bob closes rounddown8(0.1 / 2)
            assertEvents(List.of(copied("bob", half)),
                    new TradeCopied("bob:COPY", "alice", half, BTC, CopyOutcome.COPIED, null, d("1"), d("0.05"),
                            new PositionReduced("bob:COPY", half, BTC, USDT, Book.COPY, LONG, d("0.05"), d("51000"),
                                    d("2500"), d("250"), d("50"), d("0.05"), d("2500"), d("250"), d("10050"), "alice"),
                            null, null, null, null, null));

            String flip = lead(SELL, "1.5", "52000"); // closes alice's 1 and opens 0.5 SHORT: bob only closes
            TradeCopied closed = copied("bob", flip);
            assertThat(closed.outcome()).isEqualTo(CopyOutcome.COPIED);
            assertThat(closed.reason()).isNull();
            assertThat(closed.quantity()).isEqualByComparingTo("0.05");
            assertThat(closed.reduced().closed()).isTrue();
            assertThat(closed.reduced().realizedPnl()).isEqualByComparingTo("100");
            assertThat(closed.opened()).isNull();
            assertThat(closed.increased()).isNull();

            String after = lead(BUY, "0.5", "52000");
            assertThat(copiedOrNull("bob", after)).as("nothing of alice left in bob's account").isNull();
        }

        @Test
        void manualMirrorsNothingAndTheCopierClosesWithItsOwnFills() {
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.1")));
            lead(BUY, "1", "50000");
            ledger.accept(new Unfollow(id(), "bob", "alice", CloseMode.MANUAL));
            assertThat(last(ledger.events("bob:COPY"), FollowEnded.class).close()).isEqualTo(CloseMode.MANUAL);
            assertThat(last(ledger.events("alice:LEADER"), FollowerLeft.class).stillMirrored()).isFalse();

            String close = lead(SELL, "1", "51000");
            String open = lead(BUY, "1", "51000");
            assertThat(copiedOrNull("bob", close)).isNull();
            assertThat(copiedOrNull("bob", open)).isNull();

            refused(Follow.byRatio(id(), "bob", "alice", d("0.1")), RejectionCode.COPY_POSITIONS_OPEN);
            int before = ledger.events("bob:COPY").size();
            ledger.accept(new RecordFill(id(), "bob:COPY", BTC, SELL, d("0.1"), d("52000"), d("0"), 10, ISOLATED,
                    null, "alice"));
            PositionReduced own = (PositionReduced) ledger.events("bob:COPY").get(before);
            assertThat(own.leader()).isEqualTo("alice");
            assertThat(own.closed()).isTrue();
            assertThat(own.realizedPnl()).isEqualByComparingTo("200");

            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.1")));
        }
    }

    // ---------------------------------------------------------------- SettleProfitShare

    @Nested
    class SettleProfitShareCommand {

        @Test
        void refusesAnInvalidNameAMissingEliteAccountAndAUserWithoutTerms() {
            refused(new SettleProfitShare(id(), "no good"), RejectionCode.INVALID_ACCOUNT);
            refused(new SettleProfitShare(id(), null), RejectionCode.INVALID_ACCOUNT);
            refused(new SettleProfitShare(id(), "bob"), RejectionCode.ACCOUNT_NOT_FOUND);
            refused(new SettleProfitShare(id(), "zed"), RejectionCode.ACCOUNT_NOT_FOUND);
            refused(new SettleProfitShare(id(), "max"), RejectionCode.NOT_A_LEADER);
        }

        @Test
        void booksNothingForALeaderWithoutFollowers() {
            leads("0.1");
            int before = ledger.allEvents().size();
            ledger.accept(new SettleProfitShare(id(), "alice"));
            assertThat(ledger.allEvents()).hasSize(before);
        }

        @Test
        void settlesEveryPairInCopierNameOrderAndTheLeaderReceivesTheSum() {
            leads("0.1");
            ledger.accept(Follow.byRatio(id(), "carl", "alice", d("0.1")), Follow.byRatio(id(), "bob", "alice", d("0.2")));
            lead(BUY, "1", "50000");
            ledger.accept(Follow.byRatio(id(), "dan", "alice", d("0.1"))); // holds nothing: skipped at the close
            lead(SELL, "1", "51000"); // bob +200, carl +100, alice +1000
            int before = ledger.allEvents().size();

            ledger.accept(new SettleProfitShare("S1", "alice"));

            List<Object> booked = ledger.allEvents().subList(before, ledger.allEvents().size());
            assertEvents(ofType(booked, ProfitShareSettled.class),
                    new ProfitShareSettled("bob:COPY", "alice", "alice:ELITE", USDT, d("200"), d("20"), d("200"), d("20"),
                            d("0"), d("20"), d("10180")),
                    new ProfitShareSettled("carl:COPY", "alice", "alice:ELITE", USDT, d("100"), d("10"), d("100"), d("10"),
                            d("0"), d("10"), d("10090")));
            assertEvents(ofType(booked, ProfitShareReceived.class),
                    new ProfitShareReceived("alice:ELITE", USDT, d("30"), 2, d("51030")));
            assertThat(ofType(ledger.events("dan:COPY"), ProfitShareSettled.class)).isEmpty();
        }

        @Test
        void paysWhatTheCopiersAvailableAllowsAndTheRestAtLaterSettlements() {
            leads("0.5");
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.1")), Follow.byRatio(id(), "carl", "alice", d("0.1")));
            lead(BUY, "1", "50000");
            lead(SELL, "1", "60000"); // bob and carl +1000 each: 11000 in each wallet; alice 60000
            // bob's own CROSS position holds 10000 of initial margin; at mark 49000 it is 2000 under water
            ledger.accept(new RecordFill(id(), "bob:COPY", BTC, BUY, d("2"), d("50000"), d("0"), 10, CROSS),
                    new UpdateMarkPrice(id(), BTC, d("49000"))); // bob's available: 11000 - 10000 - 2000 = -1000

            ledger.accept(new SettleProfitShare(id(), "alice"));
            assertSame(last(ledger.events("bob:COPY"), ProfitShareSettled.class),
                    new ProfitShareSettled("bob:COPY", "alice", "alice:ELITE", USDT, d("1000"), d("500"), d("1000"), d("0"),
                            d("500"), d("0"), d("11000")));
            assertSame(last(ledger.events("carl:COPY"), ProfitShareSettled.class),
                    new ProfitShareSettled("carl:COPY", "alice", "alice:ELITE", USDT, d("1000"), d("500"), d("1000"), d("500"),
                            d("0"), d("500"), d("10500")));
            assertSame(last(ledger.events("alice:ELITE"), ProfitShareReceived.class),
                    new ProfitShareReceived("alice:ELITE", USDT, d("500"), 1, d("60500")));

            ledger.accept(new UpdateMarkPrice(id(), BTC, d("49600"))); // available 200
            int carlBefore = ledger.events("carl:COPY").size();
            ledger.accept(new SettleProfitShare(id(), "alice"));
            assertSame(last(ledger.events("bob:COPY"), ProfitShareSettled.class),
                    new ProfitShareSettled("bob:COPY", "alice", "alice:ELITE", USDT, d("1000"), d("0"), d("1000"), d("200"),
                            d("300"), d("200"), d("10800")));
            assertThat(ledger.events("carl:COPY")).as("carl owes nothing new").hasSize(carlBefore);
            assertSame(last(ledger.events("alice:ELITE"), ProfitShareReceived.class),
                    new ProfitShareReceived("alice:ELITE", USDT, d("200"), 1, d("60700")));

            ledger.accept(new UpdateMarkPrice(id(), BTC, d("50000"))); // available 800
            ledger.accept(new SettleProfitShare(id(), "alice"));
            assertSame(last(ledger.events("bob:COPY"), ProfitShareSettled.class),
                    new ProfitShareSettled("bob:COPY", "alice", "alice:ELITE", USDT, d("1000"), d("0"), d("1000"), d("300"),
                            d("0"), d("500"), d("10500")));
            assertSame(last(ledger.events("alice:ELITE"), ProfitShareReceived.class),
                    new ProfitShareReceived("alice:ELITE", USDT, d("300"), 1, d("61000")));

            int before = ledger.allEvents().size();
            ledger.accept(new SettleProfitShare(id(), "alice"));
            assertThat(ledger.allEvents()).as("nothing owed, nothing above the high-water marks").hasSize(before);
        }
    }

    // ---------------------------------------------------------------- a copier's own commands naming a leader

    @Nested
    class CopiersOwnCommandsNamingALeader {

        private String l1;

        @BeforeEach
        void bobCopiesAliceLong() {
            leads("0.1");
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.1")));
            l1 = lead(BUY, "1", "50000"); // bob: LONG 0.1 copying alice, entry 5000, margin 500; wallet 10000
            assertThat(copied("bob", l1).opened().quantity()).isEqualByComparingTo("0.1");
        }

        @Test
        void aReducingFillBooksOnTheCopiedPositionWhateverItsLeverageAndMarginMode() {
            List<Object> booked = accepted(new RecordFill("F1", "bob:COPY", BTC, SELL, d("0.04"), d("51000"), d("1"), 3,
                    CROSS, null, "alice"));

            assertEvents(booked,
                    new PositionReduced("bob:COPY", "F1", BTC, USDT, Book.COPY, LONG, d("0.04"), d("51000"), d("2000"),
                            d("200"), d("40"), d("0.06"), d("3000"), d("300"), d("10040"), "alice"),
                    new FeeCharged("bob:COPY", "F1", BTC, USDT, d("1"), d("10039"), "alice"));

            List<Object> closing = accepted(new RecordFill("F2", "bob:COPY", BTC, SELL, d("0.06"), d("50000"), d("0"), 10,
                    ISOLATED, null, "alice"));
            assertThat(((PositionReduced) closing.get(0)).closed()).isTrue();
            String l2 = lead(SELL, "1", "50000");
            assertThat(copied("bob", l2)).extracting(TradeCopied::outcome, TradeCopied::reason)
                    .containsExactly(CopyOutcome.SKIPPED, CopyReason.NO_POSITION);
        }

        @Test
        void refusesAFillThatWouldOpenIncreaseOrFlipACopiedPositionAsCopyManaged() {
            refused(fill(BTC, BUY, "0.01", "alice"), RejectionCode.COPY_MANAGED);        // increase
            refused(fill(BTC, SELL, "0.10000001", "alice"), RejectionCode.COPY_MANAGED); // flip
            refused(fill(ETH, BUY, "1", "alice"), RejectionCode.COPY_MANAGED);           // no ETH position of alice
            refused(fill(ETH, SELL, "1", "alice"), RejectionCode.COPY_MANAGED);
            refused(fill(BTC, SELL, "0.01", "zed"), RejectionCode.COPY_MANAGED);         // a leader never followed
            refused(fill(BTC, SELL, "0.01", "max"), RejectionCode.COPY_MANAGED);
            refused(fill(BTC, SELL, "0.01", "bob"), RejectionCode.COPY_MANAGED);         // the copier itself
        }

        @Test
        void copyManagedRanksAfterTheCommandsOwnChecksAndBeforeMismatchesAndMargin() {
            refused(new RecordFill(id(), "bob:COPY", BTC, BUY, d("0.01"), d("50000"), d("0"), 10, ISOLATED, null,
                    "no good"), RejectionCode.INVALID_ACCOUNT);
            refused(new RecordFill(id(), "bob:COPY", "DOGEUSDT", BUY, d("1"), d("1"), d("0"), 10, ISOLATED, null, "alice"),
                    RejectionCode.UNKNOWN_SYMBOL);
            refused(new RecordFill(id(), "bob:COPY", BTC, BUY, d("0.01"), d("50000"), d("0"), 101, ISOLATED, null, "alice"),
                    RejectionCode.LEVERAGE_TOO_HIGH);
            refused(new RecordFill(id(), "eve:COPY", BTC, BUY, d("0.01"), d("50000"), d("0"), 10, ISOLATED, null, "alice"),
                    RejectionCode.ACCOUNT_NOT_FOUND);
            refused(new RecordFill(id(), "bob:COPY", BTC, BUY, d("0.01"), d("50000"), d("0"), 20, ISOLATED, null, "alice"),
                    RejectionCode.COPY_MANAGED);
            refused(new RecordFill(id(), "bob:COPY", BTC, BUY, d("0.01"), d("50000"), d("0"), 10, CROSS, null, "alice"),
                    RejectionCode.COPY_MANAGED);
            refused(new RecordFill(id(), "bob:COPY", BTC, BUY, d("100"), d("50000"), d("0"), 10, ISOLATED, null, "alice"),
                    RejectionCode.COPY_MANAGED);
            // the same fill as the copier's own: an open that its money cannot carry
            refused(new RecordFill(id(), "bob:COPY", BTC, BUY, d("100"), d("50000"), d("0"), 10, ISOLATED),
                    RejectionCode.INSUFFICIENT_MARGIN);
        }

        @Test
        void aFillNamingNoLeaderBooksTheCopiersOwnPositionBesideTheCopiedOne() {
            List<Object> own = accepted(new RecordFill("OWN", "bob:COPY", BTC, BUY, d("0.01"), d("50000"), d("0"), 10,
                    ISOLATED));
            assertEvents(own, new PositionOpened("bob:COPY", "OWN", BTC, USDT, Book.PERSONAL, null, LONG, d("0.01"),
                    d("50000"), d("500"), 10, ISOLATED, d("50")));

            String l2 = lead(SELL, "0.5", "50000"); // bob's copied position halves; his own is not touched
            assertThat(copied("bob", l2).reduced().quantityAfter()).isEqualByComparingTo("0.05");
            PositionReduced ownClose = (PositionReduced) accepted(new RecordFill(id(), "bob:COPY", BTC, SELL, d("0.01"),
                    d("50000"), d("0"), 10, ISOLATED)).get(0);
            assertThat(ownClose.leader()).isNull();
            assertThat(ownClose.book()).isEqualTo(Book.PERSONAL);
            assertThat(ownClose.closed()).isTrue();
        }

        @Test
        void adjustIsolatedMarginNamingTheLeaderMovesTheCopiedPositionsMargin() {
            assertEvents(accepted(new AdjustIsolatedMargin("M1", "bob:COPY", BTC, d("100"), null, "alice")),
                    new IsolatedMarginAdjusted("bob:COPY", "M1", BTC, USDT, Book.COPY, d("100"), d("600"), "alice"));
            assertEvents(accepted(new AdjustIsolatedMargin("M2", "bob:COPY", BTC, d("-100"), null, "alice")),
                    new IsolatedMarginAdjusted("bob:COPY", "M2", BTC, USDT, Book.COPY, d("-100"), d("500"), "alice"));
            refused(new AdjustIsolatedMargin(id(), "bob:COPY", BTC, d("-0.00000001"), null, "alice"),
                    RejectionCode.INSUFFICIENT_MARGIN);
            refused(new AdjustIsolatedMargin(id(), "bob:COPY", BTC, d("9500.00000001"), null, "alice"),
                    RejectionCode.INSUFFICIENT_FUNDS);
        }

        @Test
        void adjustIsolatedMarginFindsNoPositionForTheCopiersOwnOrAnotherLeaderOrItself() {
            refused(new AdjustIsolatedMargin(id(), "bob:COPY", BTC, d("100")), RejectionCode.NO_POSITION);
            refused(new AdjustIsolatedMargin(id(), "bob:COPY", BTC, d("100"), null, "max"), RejectionCode.NO_POSITION);
            refused(new AdjustIsolatedMargin(id(), "bob:COPY", BTC, d("100"), null, "bob"), RejectionCode.NO_POSITION);
            refused(new AdjustIsolatedMargin(id(), "bob:COPY", ETH, d("100"), null, "alice"), RejectionCode.NO_POSITION);
        }

        @Test
        void settleFundingNamingTheLeaderSettlesTheCopiedPosition() {
            assertEvents(accepted(new SettleFunding("FU", "bob:COPY", BTC, d("0.001"), d("50000"), null, "alice")),
                    new FundingSettled("bob:COPY", "FU", BTC, USDT, Book.COPY, LONG, d("0.1"), d("50000"), d("0.001"),
                            d("5"), d("-5"), d("9995"), "alice"));
            refused(new SettleFunding(id(), "bob:COPY", BTC, d("0.001"), d("50000")), RejectionCode.NO_POSITION);
            refused(new SettleFunding(id(), "bob:COPY", BTC, d("0.001"), d("50000"), null, "max"), RejectionCode.NO_POSITION);
            refused(new SettleFunding(id(), "bob:COPY", ETH, d("0.001"), d("2000"), null, "alice"), RejectionCode.NO_POSITION);
        }

        @Test
        void liquidateNamingTheLeaderLiquidatesTheCopiedPositionWithItsCapAndTheFollowGoesOn() {
            assertEvents(accepted(new Liquidate("LQ", "bob:COPY", BTC, d("44000"), null, "alice")),
                    new PositionLiquidated("bob:COPY", "LQ", BTC, USDT, Book.COPY, LONG, ISOLATED, d("0.1"), d("44000"),
                            d("5000"), d("500"), d("-600"), d("-500"), d("100"), d("9500"), "alice"),
                    new InsuranceFundCovered("bob:COPY", "LQ", BTC, USDT, Book.COPY, d("100"), "alice"));
            refused(new Liquidate(id(), "bob:COPY", BTC, d("44000"), null, "alice"), RejectionCode.NO_POSITION);
            refused(new Liquidate(id(), "bob:COPY", BTC, d("44000")), RejectionCode.NO_POSITION);

            String l2 = lead(SELL, "1", "44000");
            assertThat(copied("bob", l2)).extracting(TradeCopied::outcome, TradeCopied::reason)
                    .containsExactly(CopyOutcome.SKIPPED, CopyReason.NO_POSITION);
            String l3 = lead(BUY, "1", "44000");
            assertThat(copied("bob", l3).outcome()).isEqualTo(CopyOutcome.COPIED);
        }

        @Test
        void leaderIsIgnoredOnAccountsOfOtherTypes() {
            List<Object> booked = accepted(new RecordFill("FF", "bob:FUTURES", BTC, BUY, d("0.01"), d("50000"), d("0"), 10,
                    ISOLATED, null, "alice"));
            assertEvents(booked, new PositionOpened("bob:FUTURES", "FF", BTC, USDT, Book.PERSONAL, null, LONG, d("0.01"),
                    d("50000"), d("500"), 10, ISOLATED, d("50")));
            FundingSettled funding = (FundingSettled) accepted(new SettleFunding(id(), "bob:FUTURES", BTC, d("0.001"),
                    d("50000"), null, "carl")).get(0);
            assertThat(funding.leader()).isNull();
            assertThat(funding.quantity()).isEqualByComparingTo("0.01");
            // ignored, but still checked for form
            refused(new SettleFunding(id(), "bob:FUTURES", BTC, d("0.001"), d("50000"), null, "no good"),
                    RejectionCode.INVALID_ACCOUNT);
            refused(new RecordFill(id(), "bob:FUTURES", BTC, SELL, d("0.01"), d("50000"), d("0"), 10, ISOLATED, null,
                    "no good"), RejectionCode.INVALID_ACCOUNT);
        }

        private RecordFill fill(String symbol, Side side, String quantity, String leader) {
            return new RecordFill(id(), "bob:COPY", symbol, side, d(quantity), d(symbol.equals(BTC) ? "50000" : "2000"),
                    d("0"), 10, ISOLATED, null, leader);
        }
    }

    // ---------------------------------------------------------------- the loss limit

    @Nested
    class LossLimit {

        @BeforeEach
        void bobFollowsWithAMaxLossOf100AndHoldsALong() {
            ledger.accept(new SetLeaderTerms(id(), "alice", d("0.1"), 1));
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.1")).withMaxLoss(d("100")));
            lead(BUY, "1", "50000"); // bob: LONG 0.1 at 50000
        }

        @Test
        void endsRightAfterTheMirroredCloseThatReachesTheLimit() {
            String l2 = lead(SELL, "1", "49000"); // bob realizes -100

            List<Object> bob = ledger.events("bob:COPY");
            assertThat(bob.get(bob.size() - 2)).isInstanceOfSatisfying(TradeCopied.class, copied -> {
                assertThat(copied.leadTrade()).isEqualTo(l2);
                assertThat(copied.reduced().realizedPnl()).isEqualByComparingTo("-100");
            });
            assertThat(bob.get(bob.size() - 1))
                    .isEqualTo(new FollowEnded("bob:COPY", "alice", FollowEndReason.LOSS_LIMIT, CloseMode.WITH_LEADER));
            assertThat(ofType(bob, ProfitShareSettled.class)).isEmpty();
            assertThat(last(ledger.events("alice:LEADER"), FollowerLeft.class))
                    .isEqualTo(new FollowerLeft("alice", "bob", FollowEndReason.LOSS_LIMIT, false, 0));

            refused(new Unfollow(id(), "bob", "alice"), RejectionCode.NOT_FOLLOWING);
            ledger.accept(Follow.byRatio(id(), "carl", "alice", d("0.1"))); // the one place is free again
            String l3 = lead(BUY, "1", "50000");
            assertThat(copiedOrNull("bob", l3)).isNull();
            assertThat(copied("carl", l3).outcome()).isEqualTo(CopyOutcome.COPIED);
        }

        @Test
        void aLossJustShortOfTheLimitGoesOnAndTheFundingThatReachesItEndsTheFollow() {
            lead(SELL, "0.5", "48000.02"); // bob closes 0.05: 2400.001 - 2500 = -99.999
            assertThat(last(ledger.events("bob:COPY"), Object.class)).isInstanceOf(TradeCopied.class);
            refused(Follow.byRatio(id(), "carl", "alice", d("0.1")), RejectionCode.FOLLOWER_LIMIT);

            // round8(0.05 * 50000 * 0.00001) = 0.025 paid: -100.024
            List<Object> booked = accepted(new SettleFunding(id(), "bob:COPY", BTC, d("0.00001"), d("50000"), null, "alice"));
            assertThat(booked).hasSize(3);
            assertThat(booked.get(2)).isInstanceOf(FollowerLeft.class);
            assertThat(booked.get(0)).isInstanceOf(FundingSettled.class);
            assertThat(booked.get(1))
                    .isEqualTo(new FollowEnded("bob:COPY", "alice", FollowEndReason.LOSS_LIMIT, CloseMode.WITH_LEADER));
            assertThat(last(ledger.events("alice:LEADER"), FollowerLeft.class))
                    .isEqualTo(new FollowerLeft("alice", "bob", FollowEndReason.LOSS_LIMIT, true, 0));

            ledger.accept(Follow.byRatio(id(), "carl", "alice", d("0.1")));
            String increase = lead(BUY, "1", "50000");
            assertThat(copied("bob", increase)).extracting(TradeCopied::outcome, TradeCopied::reason)
                    .containsExactly(CopyOutcome.SKIPPED, CopyReason.FOLLOW_ENDED);
            String close = lead(SELL, "1.5", "50000");
            assertThat(copied("bob", close).outcome()).isEqualTo(CopyOutcome.COPIED);
            assertThat(copied("bob", close).reduced().closed()).isTrue();
        }

        @Test
        void endsRightAfterTheCopiersOwnReducingFillThatReachesTheLimit() {
            List<Object> booked = accepted(new RecordFill(id(), "bob:COPY", BTC, SELL, d("0.05"), d("48000"), d("0"), 10,
                    ISOLATED, null, "alice")); // 2400 - 2500 = -100
            assertThat(booked).hasSize(3);
            assertThat(booked.get(2)).isInstanceOf(FollowerLeft.class);
            assertThat(((PositionReduced) booked.get(0)).realizedPnl()).isEqualByComparingTo("-100");
            assertThat(booked.get(1))
                    .isEqualTo(new FollowEnded("bob:COPY", "alice", FollowEndReason.LOSS_LIMIT, CloseMode.WITH_LEADER));
            assertThat(last(ledger.events("alice:LEADER"), FollowerLeft.class))
                    .isEqualTo(new FollowerLeft("alice", "bob", FollowEndReason.LOSS_LIMIT, true, 0));

            refused(Follow.byRatio(id(), "bob", "alice", d("0.1")), RejectionCode.COPY_POSITIONS_OPEN);
            ledger.accept(Follow.byRatio(id(), "carl", "alice", d("0.1")));
            String increase = lead(BUY, "1", "50000");
            assertThat(copied("bob", increase)).extracting(TradeCopied::outcome, TradeCopied::reason)
                    .containsExactly(CopyOutcome.SKIPPED, CopyReason.FOLLOW_ENDED);
            String close = lead(SELL, "2", "50000");
            assertThat(copied("bob", close).quantity()).isEqualByComparingTo("0.05");
            assertThat(copied("bob", close).reduced().closed()).isTrue();
        }

        @Test
        void endingAtTheLimitInOneAssetSettlesNothingTheNextSettlementDoes() {
            ledger.accept(new ConfigureSymbol(id(), "SOLUSDC", "USDC", d("0.01"), 20),
                    new UpdateMarkPrice(id(), "SOLUSDC", d("100")));
            for (String[] move : new String[][]{{"alice", "ELITE", "5000"}, {"bob", "COPY", "1000"}}) {
                ledger.accept(new Deposit(id(), move[0] + ":FUTURES", "USDC", d(move[2])),
                        new Transfer(id(), move[0] + ":FUTURES", move[0] + ":" + move[1], "USDC", d(move[2])));
            }
            ledger.accept(fillOfAlice("SOLUSDC", BUY, "10", "100"), fillOfAlice("SOLUSDC", SELL, "10", "110")); // bob +10 USDC
            lead(SELL, "1", "49000"); // bob -100 USDT: the limit

            assertThat(last(ledger.events("bob:COPY"), FollowEnded.class).reason()).isEqualTo(FollowEndReason.LOSS_LIMIT);
            assertThat(ofType(ledger.events("bob:COPY"), ProfitShareSettled.class)).isEmpty();

            ledger.accept(new SettleProfitShare(id(), "alice"));
            assertEvents(ofType(ledger.events("bob:COPY"), ProfitShareSettled.class),
                    new ProfitShareSettled("bob:COPY", "alice", "alice:ELITE", "USDC", d("10"), d("1"), d("10"), d("1"),
                            d("0"), d("1"), d("1009")));
        }

        @Test
        void aFollowMadeAgainCountsItsLossFromItsOwnStart() {
            lead(SELL, "1", "49000"); // -100: the first follow ends
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.1")).withMaxLoss(d("100")));
            assertThat(last(ledger.events("bob:COPY"), FollowStarted.class).startNetPnl())
                    .usingElementComparator((a, b) -> sameValue(a, b) ? 0 : 1)
                    .containsExactly(new AssetAmount(USDT, d("-100")));

            lead(BUY, "1", "50000");
            lead(SELL, "1", "49500"); // -50: 150 below 0, 50 below the start
            assertThat(last(ledger.events("bob:COPY"), Object.class)).isInstanceOf(TradeCopied.class);

            lead(BUY, "1", "50000");
            lead(SELL, "1", "49500"); // -50 more: 100 below the start
            assertThat(last(ledger.events("bob:COPY"), Object.class))
                    .isEqualTo(new FollowEnded("bob:COPY", "alice", FollowEndReason.LOSS_LIMIT, CloseMode.WITH_LEADER));
        }
    }

    // ---------------------------------------------------------------- lead liquidations and flips

    @Nested
    class LeadTrades {

        @Test
        void aLeadLiquidationLiquidatesEachCopierAtTheSamePriceWithItsOwnCapAndCover() {
            leads("0.1");
            copier("erin", "10000");
            copier("fay", "10000");
            for (String copier : List.of("bob", "carl", "dan", "fay")) {
                ledger.accept(Follow.byRatio(id(), copier, "alice", d("0.1")));
            }
            lead(BUY, "1", "50000"); // alice LONG 1 with margin 5000; each copier LONG 0.1 with margin 500
            ledger.accept(new AdjustIsolatedMargin(id(), "bob:COPY", BTC, d("200"), null, "alice"),
                    new Unfollow(id(), "dan", "alice", CloseMode.WITH_LEADER),
                    new Unfollow(id(), "fay", "alice", CloseMode.MANUAL),
                    Follow.byRatio(id(), "erin", "alice", d("0.1")));

            List<Object> booked = accepted(new Liquidate("LQ", "alice:ELITE", BTC, d("44000")));

            assertEvents(ofType(booked, PositionLiquidated.class).subList(0, 1),
                    new PositionLiquidated("alice:ELITE", "LQ", BTC, USDT, Book.PERSONAL, LONG, ISOLATED, d("1"), d("44000"),
                            d("50000"), d("5000"), d("-6000"), d("-5000"), d("1000"), d("45000"), null));
            assertEvents(List.of(copied("bob", "LQ"), copied("carl", "LQ"), copied("dan", "LQ"), copied("erin", "LQ")),
                    new TradeCopied("bob:COPY", "alice", "LQ", BTC, CopyOutcome.COPIED, null, d("1"), d("0.1"),
                            null, null, null, null,
                            new PositionLiquidated("bob:COPY", "LQ", BTC, USDT, Book.COPY, LONG, ISOLATED, d("0.1"),
                                    d("44000"), d("5000"), d("700"), d("-600"), d("-600"), d("0"), d("9400"), "alice"),
                            null),
                    new TradeCopied("carl:COPY", "alice", "LQ", BTC, CopyOutcome.COPIED, null, d("1"), d("0.1"),
                            null, null, null, null,
                            new PositionLiquidated("carl:COPY", "LQ", BTC, USDT, Book.COPY, LONG, ISOLATED, d("0.1"),
                                    d("44000"), d("5000"), d("500"), d("-600"), d("-500"), d("100"), d("9500"), "alice"),
                            new InsuranceFundCovered("carl:COPY", "LQ", BTC, USDT, Book.COPY, d("100"), "alice")),
                    new TradeCopied("dan:COPY", "alice", "LQ", BTC, CopyOutcome.COPIED, null, d("1"), d("0.1"),
                            null, null, null, null,
                            new PositionLiquidated("dan:COPY", "LQ", BTC, USDT, Book.COPY, LONG, ISOLATED, d("0.1"),
                                    d("44000"), d("5000"), d("500"), d("-600"), d("-500"), d("100"), d("9500"), "alice"),
                            new InsuranceFundCovered("dan:COPY", "LQ", BTC, USDT, Book.COPY, d("100"), "alice")),
                    new TradeCopied("erin:COPY", "alice", "LQ", BTC, CopyOutcome.SKIPPED, CopyReason.NO_POSITION, d("1"),
                            d("0"), null, null, null, null, null, null));

            assertThat(copiedOrNull("fay", "LQ")).as("fay unfollowed MANUAL: nothing is mirrored").isNull();
            ledger.accept(new RecordFill(id(), "fay:COPY", BTC, SELL, d("0.1"), d("44000"), d("0"), 10, ISOLATED, null,
                    "alice")); // fay's position is still there for her own fill to close

            String next = lead(BUY, "1", "44000");
            assertThat(copiedOrNull("dan", next)).as("dan's ended follow holds nothing any more").isNull();
        }

        @Test
        void aLeadLiquidationOfACrossPositionCapsEachCopiersLossAtItsOwnWallet() {
            leads("0.1");
            copier("fay", "550");
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.01")), Follow.byRatio(id(), "fay", "alice", d("0.01")));
            ledger.accept(fillOfAlice(BTC, BUY, "10", "50000", 10, CROSS)); // alice's 50000 all in initial margin

            accepted(new Liquidate("LQ", "alice:ELITE", BTC, d("44000")));

            PositionLiquidated leader = last(ledger.events("alice:ELITE"), PositionLiquidated.class);
            assertThat(leader.realizedPnl()).isEqualByComparingTo("-50000");
            assertThat(leader.insuranceCover()).isEqualByComparingTo("10000");
            assertSame(copied("bob", "LQ").liquidated(),
                    new PositionLiquidated("bob:COPY", "LQ", BTC, USDT, Book.COPY, LONG, CROSS, d("0.1"), d("44000"),
                            d("5000"), d("0"), d("-600"), d("-600"), d("0"), d("9400"), "alice"));
            assertThat(copied("bob", "LQ").insuranceCover()).isNull();
            assertSame(copied("fay", "LQ").liquidated(),
                    new PositionLiquidated("fay:COPY", "LQ", BTC, USDT, Book.COPY, LONG, CROSS, d("0.1"), d("44000"),
                            d("5000"), d("0"), d("-600"), d("-550"), d("50"), d("0"), "alice"));
            assertSame(copied("fay", "LQ").insuranceCover(),
                    new InsuranceFundCovered("fay:COPY", "LQ", BTC, USDT, Book.COPY, d("50"), "alice"));
        }

        @Test
        void aLeadFlipClosesCopierPositionsInFullAndOpensTheNewSide() {
            leads("0.1");
            copier("erin", "600");
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.1")),
                    Follow.byAmount(id(), "carl", "alice", d("1000")).withMaxTotalMargin(d("1000")),
                    Follow.byRatio(id(), "dan", "alice", d("0.1")),
                    Follow.byRatio(id(), "erin", "alice", d("0.1")));
            lead(BUY, "1", "50000"); // bob, dan, erin LONG 0.1 (margin 500); carl LONG 0.2 (margin 1000, his whole cap)
            ledger.accept(new Unfollow(id(), "dan", "alice", CloseMode.WITH_LEADER));

            // c = 1, o = 2, at leverage 5 and fee 6
            ledger.accept(new RecordFill("FLIP", "alice:ELITE", BTC, SELL, d("3"), d("51000"), d("6"), 5, ISOLATED));

            assertEvents(List.of(copied("bob", "FLIP")),
                    new TradeCopied("bob:COPY", "alice", "FLIP", BTC, CopyOutcome.COPIED, null, d("3"), d("0.3"),
                            new PositionReduced("bob:COPY", "FLIP", BTC, USDT, Book.COPY, LONG, d("0.1"), d("51000"),
                                    d("5000"), d("500"), d("100"), d("0"), d("0"), d("0"), d("10100"), "alice"),
                            new PositionOpened("bob:COPY", "FLIP", BTC, USDT, Book.COPY, "alice", SHORT, d("0.2"), d("51000"),
                                    d("10200"), 5, ISOLATED, d("2040")),
                            null,
                            new FeeCharged("bob:COPY", "FLIP", BTC, USDT, d("0.6"), d("10099.4"), "alice"),
                            null, null));
            // carl's closed position frees his cap: want = room = rounddown8(1000 * 5 / 51000) = 0.09803921
            assertEvents(List.of(copied("carl", "FLIP")),
                    new TradeCopied("carl:COPY", "alice", "FLIP", BTC, CopyOutcome.COPIED, null, d("3"), d("0.29803921"),
                            new PositionReduced("carl:COPY", "FLIP", BTC, USDT, Book.COPY, LONG, d("0.2"), d("51000"),
                                    d("10000"), d("1000"), d("200"), d("0"), d("0"), d("0"), d("10200"), "alice"),
                            new PositionOpened("carl:COPY", "FLIP", BTC, USDT, Book.COPY, "alice", SHORT, d("0.09803921"),
                                    d("51000"), d("4999.99971"), 5, ISOLATED, d("999.999942")),
                            null,
                            new FeeCharged("carl:COPY", "FLIP", BTC, USDT, d("0.59607842"), d("10199.40392158"), "alice"),
                            null, null));
            // dan's ended follow only closes
            assertEvents(List.of(copied("dan", "FLIP")),
                    new TradeCopied("dan:COPY", "alice", "FLIP", BTC, CopyOutcome.COPIED, null, d("3"), d("0.1"),
                            new PositionReduced("dan:COPY", "FLIP", BTC, USDT, Book.COPY, LONG, d("0.1"), d("51000"),
                                    d("5000"), d("500"), d("100"), d("0"), d("0"), d("0"), d("10100"), "alice"),
                            null, null,
                            new FeeCharged("dan:COPY", "FLIP", BTC, USDT, d("0.2"), d("10099.8"), "alice"),
                            null, null));
            // erin's 700 cannot carry the new side's 2040 of margin: only the close is booked
            assertEvents(List.of(copied("erin", "FLIP")),
                    new TradeCopied("erin:COPY", "alice", "FLIP", BTC, CopyOutcome.SKIPPED, CopyReason.INSUFFICIENT_MARGIN,
                            d("3"), d("0.1"),
                            new PositionReduced("erin:COPY", "FLIP", BTC, USDT, Book.COPY, LONG, d("0.1"), d("51000"),
                                    d("5000"), d("500"), d("100"), d("0"), d("0"), d("0"), d("700"), "alice"),
                            null, null,
                            new FeeCharged("erin:COPY", "FLIP", BTC, USDT, d("0.2"), d("699.8"), "alice"),
                            null, null));
        }

        @Test
        void copiesEachLeaderIntoItsOwnPositionInTheSameSymbolEvenOnOppositeSides() {
            leads("0.1");
            ledger.accept(new SetLeaderTerms(id(), "max", d("0.1"), 10));
            ledger.accept(Follow.byRatio(id(), "bob", "alice", d("0.1")), Follow.byRatio(id(), "bob", "max", d("0.1")));
            String fromAlice = lead(BUY, "1", "50000");
            ledger.accept(new RecordFill("FROM-MAX", "max:ELITE", BTC, SELL, d("1"), d("50000"), d("0"), 10, ISOLATED));

            assertThat(copied("bob", fromAlice).opened()).extracting(PositionOpened::side, PositionOpened::leader)
                    .containsExactly(LONG, "alice");
            TradeCopied fromMax = ofType(ledger.events("bob:COPY"), TradeCopied.class).stream()
                    .filter(t -> t.leadTrade().equals("FROM-MAX")).findFirst().orElseThrow();
            assertThat(fromMax.leader()).isEqualTo("max");
            assertThat(fromMax.opened()).extracting(PositionOpened::side, PositionOpened::leader)
                    .containsExactly(SHORT, "max");
            assertThat(fromMax.reduced()).isNull();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    private String id() {
        return "c" + (++ids);
    }

    /** A user with a FUTURES account holding 100000 USDT. */
    private void user(String user) {
        ledger.accept(new OpenAccount(id(), user + ":FUTURES"), new Deposit(id(), user + ":FUTURES", USDT, d("100000")));
    }

    /** A user with a COPY account funded with {@code amount} USDT. */
    private void copier(String copier, String amount) {
        user(copier);
        ledger.accept(new OpenAccount(id(), copier + ":COPY"),
                new Transfer(id(), copier + ":FUTURES", copier + ":COPY", USDT, d(amount)));
    }

    private void leads(String rate) {
        ledger.accept(new SetLeaderTerms(id(), "alice", d(rate), 100));
    }

    /** An accepted lead trade of alice in BTCUSDT; returns its id. */
    private String lead(Side side, String quantity, String price) {
        return lead(BTC, side, quantity, price);
    }

    private String lead(String symbol, Side side, String quantity, String price) {
        RecordFill fill = fillOfAlice(symbol, side, quantity, price);
        ledger.accept(fill);
        return fill.id();
    }

    private RecordFill fillOfAlice(String symbol, Side side, String quantity, String price) {
        return fillOfAlice(symbol, side, quantity, price, 10, ISOLATED);
    }

    private RecordFill fillOfAlice(String symbol, Side side, String quantity, String price, int leverage, MarginMode mode) {
        return new RecordFill("lead-" + id(), "alice:ELITE", symbol, side, d(quantity), d(price), d("0"), leverage, mode);
    }

    /** Sends a command that must be accepted and returns every event it booked, in order. */
    private List<Object> accepted(Command command) {
        int before = ledger.allEvents().size();
        ledger.accept(command);
        List<Object> all = ledger.allEvents();
        return new ArrayList<>(all.subList(before, all.size()));
    }

    /** Asserts the refusal code and that nothing was booked anywhere. */
    private void refused(Command command, RejectionCode code) {
        refusal(command, code);
    }

    /** Asserts the refusal code and that nothing was booked anywhere; returns the refusal's message. */
    private String refusal(Command command, RejectionCode code) {
        int before = ledger.allEvents().size();
        Throwable failure = ledger.failure(command);
        assertThat(failure).as("%s is refused", command).isInstanceOf(CommandRejectedException.class);
        assertThat(((CommandRejectedException) failure).code()).as("%s", command).isEqualTo(code);
        assertThat(ledger.allEvents()).as("events after the refused %s", command).hasSize(before);
        return failure.getMessage();
    }

    private TradeCopied copied(String copier, String leadTrade) {
        TradeCopied copied = copiedOrNull(copier, leadTrade);
        assertThat(copied).as("%s's outcome for %s", copier, leadTrade).isNotNull();
        return copied;
    }

    private TradeCopied copiedOrNull(String copier, String leadTrade) {
        List<TradeCopied> found = ofType(ledger.events(copier + ":COPY"), TradeCopied.class).stream()
                .filter(t -> t.leadTrade().equals(leadTrade)).toList();
        assertThat(found).as("%s's outcomes for %s", copier, leadTrade).hasSizeLessThanOrEqualTo(1);
        return found.isEmpty() ? null : found.get(0);
    }

    private static <T> List<T> ofType(List<Object> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T> T last(List<Object> events, Class<T> type) {
        List<T> found = ofType(events, type);
        assertThat(found).as("some %s among %s", type.getSimpleName(), events).isNotEmpty();
        return found.get(found.size() - 1);
    }

    private static void assertSame(Object actual, Object expected) {
        assertThat(actual).usingComparator((a, b) -> sameValue(a, b) ? 0 : 1).isEqualTo(expected);
    }

    private static void assertEvents(List<?> actual, Object... expected) {
        assertThat(new ArrayList<Object>(actual)).usingElementComparator((a, b) -> sameValue(a, b) ? 0 : 1)
                .containsExactly(expected);
    }

    /** Equal by value: decimals by {@code compareTo}, records and lists part by part. */
    private static boolean sameValue(Object expected, Object actual) {
        if (expected == null || actual == null) {
            return expected == actual;
        }
        if (expected instanceof BigDecimal e && actual instanceof BigDecimal a) {
            return e.compareTo(a) == 0;
        }
        if (expected instanceof List<?> e && actual instanceof List<?> a) {
            if (e.size() != a.size()) {
                return false;
            }
            for (int i = 0; i < e.size(); i++) {
                if (!sameValue(e.get(i), a.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (expected.getClass().isRecord() && expected.getClass() == actual.getClass()) {
            for (RecordComponent component : expected.getClass().getRecordComponents()) {
                try {
                    if (!sameValue(component.getAccessor().invoke(expected), component.getAccessor().invoke(actual))) {
                        return false;
                    }
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return true;
        }
        return Objects.equals(expected, actual);
    }

    /**
     * The pair's copied, clipped and skipped counts as the copier's COPY account holds them, rebuilt from its
     * events. The counts have no reader in the domain (the read side shows them), so this reads the pair's
     * fields.
     */
    private List<Integer> countsOfPair(String copier, String leader) {
        String accountId = copier + ":COPY";
        List<Object> payloads = ledger.events(accountId);
        List<GenericDomainEventMessage<?>> messages = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            messages.add(new GenericDomainEventMessage<>("Account", accountId, i, payloads.get(i)));
        }
        try {
            AggregateModel<Account> model = AnnotatedAggregateMetaModelFactory.inspectAggregate(Account.class);
            Account account = new GenericAggregateFactory<>(model).createAggregateRoot(accountId, messages.get(0));
            EventSourcedAggregate<Account> aggregate = EventSourcedAggregate.initialize(account, model, null, NoSnapshotTriggerDefinition.TRIGGER);
            aggregate.initializeState(DomainEventStream.of(messages.stream()));
            Field pairs = Account.class.getDeclaredField("copyPairs");
            pairs.setAccessible(true);
            Object pair = ((Map<?, ?>) pairs.get(aggregate.getAggregateRoot())).get(leader);
            List<Integer> counts = new ArrayList<>();
            for (String name : List.of("copied", "clipped", "skipped")) {
                Field count = CopyPair.class.getDeclaredField(name);
                count.setAccessible(true);
                counts.add(count.getInt(pair));
            }
            return counts;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
