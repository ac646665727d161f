package dev.depthlab.plot;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Boundary points stay visible on the map's pale middle (p near 0.5) and on its dark ends. */
class ProbabilityMapOutlineTest {
  /** Neutral dark pixels (grey, not a class colour) in the 40 px square around the map's centre. */
  private static int neutralDarkAroundCentre(double p) {
    int size = 400;
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    double[] grid = new double[10 * 10];
    Arrays.fill(grid, p);
    ProbabilityMap.paint(
        g,
        new Rectangle2D.Double(0, 0, size, size),
        new ProbabilityMap.Grid(10, -1, 1, grid),
        new ProbabilityMap.Points(new double[] {0}, new double[] {0}, new double[] {1}));
    g.dispose();
    int n = 0;
    for (int y = size / 2 - 20; y < size / 2 + 20; y++) {
      for (int x = size / 2 - 20; x < size / 2 + 20; x++) {
        Color c = new Color(img.getRGB(x, y));
        int max = Math.max(c.getRed(), Math.max(c.getGreen(), c.getBlue()));
        int min = Math.min(c.getRed(), Math.min(c.getGreen(), c.getBlue()));
        if (max < 80 && max - min < 25) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void aPointHasADarkOutlineOnPaleAndDarkGround() {
    // p = 0.45: near white, where a white rim alone vanishes; p = 0.02: the dark blue end
    int pale = neutralDarkAroundCentre(0.45);
    int dark = neutralDarkAroundCentre(0.02);
    assertAll(
        () -> assertTrue(pale >= 10, "outline pixels on the pale map: " + pale),
        () -> assertTrue(dark >= 10, "outline pixels on the dark map: " + dark));
  }
}
