package dev.depthlab.data;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.depthlab.common.Rng;
import dev.depthlab.common.Seeds;
import dev.depthlab.common.UserError;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Determinism of the generators and the train/test contract of {@link Datasets#forRun}. */
class DatasetsRunTest {
  static java.util.List<String> kinds() {
    return Datasets.kinds();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void sameSeedSameDataOtherSeedOtherData(String kind) {
    DatasetSpec spec = DatasetSpec.of(kind);
    DataSet a = Datasets.generate(spec, 500, 0.0, new Rng(5));
    DataSet b = Datasets.generate(spec, 500, 0.0, new Rng(5));
    DataSet c = Datasets.generate(spec, 500, 0.0, new Rng(6));
    assertAll(
        () -> assertArrayEquals(a.x(), b.x(), kind + ": same seed, different points"),
        () -> assertArrayEquals(a.y(), b.y(), kind + ": same seed, different labels"),
        () -> assertFalse(Arrays.equals(a.x(), c.x()), kind + ": seeds 5 and 6 give the same"),
        () -> assertEquals(2, a.features()),
        () -> assertEquals(spec.label(), a.name()));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void drawnTestSetFollowsTheSeedContract(String kind) {
    DatasetSpec spec = DatasetSpec.of(kind);
    Split s = Datasets.forRun(spec, 2000, TestSplit.drawn(400, 100), 0.0, 3);
    DataSet train = Datasets.generate(spec, 2000, 0.0, Seeds.TRAIN_DATA.rng(3));
    DataSet test = Datasets.generate(spec, 400, 0.0, Seeds.TEST_DATA.rng(103));
    assertAll(
        () -> assertEquals(2000, s.train().size()),
        () -> assertEquals(400, s.test().size()),
        () -> assertArrayEquals(train.x(), s.train().x(), "train is not TRAIN_DATA of seed"),
        () -> assertArrayEquals(test.x(), s.test().x(), "test is not TEST_DATA of seed + 100"),
        () -> assertArrayEquals(test.y(), s.test().y()),
        () ->
            assertFalse(
                Arrays.equals(Arrays.copyOf(s.train().x(), 800), Arrays.copyOf(s.test().x(), 800)),
                "train and test start with the same points"));
  }

  @Test
  void differentRunSeedsGiveDifferentSets() {
    DatasetSpec spec = DatasetSpec.of("circle");
    Split a = Datasets.forRun(spec, 100, TestSplit.drawn(50, 100), 0.0, 0);
    Split b = Datasets.forRun(spec, 100, TestSplit.drawn(50, 100), 0.0, 1);
    assertFalse(Arrays.equals(a.train().x(), b.train().x()));
    assertFalse(Arrays.equals(a.test().x(), b.test().x()));
  }

  @Test
  void splitModeCutsTheDrawnSet() {
    DatasetSpec spec = DatasetSpec.of("quadratic_noise");
    Split s = Datasets.forRun(spec, 600, TestSplit.split(0.2), 0.1, 11);
    DataSet all = Datasets.generate(spec, 600, 0.1, Seeds.TRAIN_DATA.rng(11));
    assertAll(
        () -> assertEquals(480, s.train().size()),
        () -> assertEquals(120, s.test().size()),
        () -> assertArrayEquals(Arrays.copyOfRange(all.x(), 0, 960), s.train().x()),
        () -> assertArrayEquals(Arrays.copyOfRange(all.x(), 960, 1200), s.test().x()),
        () -> assertArrayEquals(Arrays.copyOfRange(all.y(), 480, 600), s.test().y()));
  }

  @Test
  void splitThatEmptiesASideIsRejected() {
    UserError e =
        assertThrows(
            UserError.class,
            () -> Datasets.forRun(DatasetSpec.of("xor"), 3, TestSplit.split(0.1), 0.0, 0));
    assertEquals(true, e.getMessage().contains("empty"), e.getMessage());
  }

  @Test
  void sliceCopiesRows() {
    DataSet d = Datasets.generate(DatasetSpec.of("xor"), 10, 0.0, new Rng(1));
    DataSet s = d.slice(2, 5);
    assertEquals(3, s.size());
    assertEquals(d.x()[4], s.x()[0]);
    assertEquals(d.y()[4], s.y()[2]);
    s.x()[0] = 99;
    assertFalse(d.x()[4] == 99, "slice shares its array with the source");
    assertThrows(IndexOutOfBoundsException.class, () -> d.slice(5, 11));
  }
}
