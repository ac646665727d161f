package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.UserError;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** config/published/nn-depth-study-gradnorm.csv: the seed's two gradient-norm tables. */
class PublishedGradNormsTest {

  @Test
  void theSeedsTablesAreBothDataSetsAtEveryDepth() {
    PublishedGradNorms p = PublishedGradNorms.load("nn-depth-study-gradnorm");
    List<String> cells = new ArrayList<>();
    p.rows().forEach(r -> cells.add(r.dataset() + " " + r.depth()));
    assertEquals(
        List.of(
            "circle 1",
            "circle 2",
            "circle 4",
            "circle 6",
            "circle 8",
            "nested_rings 1",
            "nested_rings 2",
            "nested_rings 4",
            "nested_rings 6",
            "nested_rings 8"),
        cells);
    for (PublishedGradNorms.Row r : p.rows()) {
      boolean circle = r.dataset().equals("circle");
      assertAll(
          r.dataset() + " depth " + r.depth(),
          // circle: a fresh 1000-epoch run; nested_rings: 1000 more epochs of a trained network
          () -> assertEquals(circle ? 1 : 1001, r.fromEpoch()),
          () -> assertEquals(circle ? 1000 : 2000, r.toEpoch()),
          // the seed printed std / mean itself: a transcription slip in any of the three shows
          () -> assertEquals(r.std() / r.mean(), r.cv(), 1e-15 * r.cv()),
          () -> assertTrue(r.source().contains("khoanguyen-blip/nn-depth-study@7b6ef5d")),
          () ->
              assertTrue(
                  r.source()
                      .contains(
                          circle
                              ? "results/day14_circle_results.txt"
                              : "results/day19_nestedrings_results.txt")));
    }
  }

  @Test
  void numbersAreThePublishedDigits() {
    // as printed in results/day14_circle_results.txt and results/day19_nestedrings_results.txt
    List<PublishedGradNorms.Row> rows = PublishedGradNorms.load("nn-depth-study-gradnorm").rows();
    assertAll(
        () -> assertEquals(2.526392599739542, rows.get(0).mean()),
        () -> assertEquals(4.075285861110034, rows.get(4).std()),
        () -> assertEquals(14.486515248474717, rows.get(5).mean()),
        () -> assertEquals(0.7935083280157993, rows.get(5).std()),
        () -> assertEquals(0.05477565269531247, rows.get(5).cv()),
        () -> assertEquals(27.884691350961372, rows.get(9).mean()));
  }

  @Test
  void aMissingOrMalformedTableIsAOneLineError() {
    UserError missing = assertThrows(UserError.class, () -> PublishedGradNorms.load("nope"));
    assertEquals("no published table 'nope' (config/published/nope.csv)", missing.getMessage());
    UserError columns =
        assertThrows(
            UserError.class,
            () -> PublishedGradNorms.parse("t", new StringReader("dataset,depth\ncircle,1\n")));
    assertTrue(columns.getMessage().startsWith("published table 't': columns must be"));
    UserError number =
        assertThrows(
            UserError.class,
            () ->
                PublishedGradNorms.parse(
                    "t",
                    new StringReader(
                        "# a comment\n"
                            + String.join(",", PublishedGradNorms.COLUMNS)
                            + "\ncircle,1,1,10,big,1,1,p,s\n")));
    assertEquals("published table 't', record 1: For input string: \"big\"", number.getMessage());
  }
}
