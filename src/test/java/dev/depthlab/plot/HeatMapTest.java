package dev.depthlab.plot;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;

/** Heat maps: a scale fitted to small values, printed values readable on every shade. */
class HeatMapTest {
  @Test
  void theFittedTopIsTheNextRoundNumberUpToTheCap() {
    assertAll(
        () -> assertEquals(0.2, HeatMap.fittedMax(0.16, 1), 1e-15),
        () -> assertEquals(0.1, HeatMap.fittedMax(0.08, 1), 1e-15),
        () -> assertEquals(0.05, HeatMap.fittedMax(0.03, 1), 1e-15),
        () -> assertEquals(0.25, HeatMap.fittedMax(0.21, 1), 1e-15),
        () -> assertEquals(0.2, HeatMap.fittedMax(0.2, 1), 1e-15),
        () -> assertEquals(1.0, HeatMap.fittedMax(0.8, 1), 1e-15),
        () -> assertEquals(1.0, HeatMap.fittedMax(1.7, 1), 1e-15),
        () -> assertEquals(1.0, HeatMap.fittedMax(0, 1), 1e-15),
        () -> assertEquals(1.0, HeatMap.fittedMax(Double.NEGATIVE_INFINITY, 1), 1e-15));
  }

  /** WCAG 2 contrast: relative luminance of sRGB, (L1 + 0.05) / (L2 + 0.05). */
  private static double luminance(Color c) {
    double[] ch = {c.getRed() / 255.0, c.getGreen() / 255.0, c.getBlue() / 255.0};
    for (int i = 0; i < 3; i++) {
      ch[i] = ch[i] <= 0.03928 ? ch[i] / 12.92 : Math.pow((ch[i] + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  }

  private static double contrast(Color a, Color b) {
    double la = luminance(a);
    double lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  @Test
  void printedValuesReadOnBothEndsOfTheScale() {
    assertAll(
        () -> assertTrue(contrast(HeatMap.TEXT, HeatMap.LOW) >= 4.5, "on the low end"),
        () -> assertTrue(contrast(HeatMap.TEXT, HeatMap.HIGH) >= 4.5, "on the high end"));
  }

  /** The luminance of the drawn chart's right cell (of two in one row), below its printed value. */
  private static double rightCellLuminance(double top) {
    double[][] v = {{0.0, 0.08}};
    HeatMapChart c = HeatMap.draw("t", "x", List.of("a", "b"), "y", List.of("1"), v, 0, top, "v");
    BufferedImage img = BitmapEncoder.getBufferedImage(c);
    return luminance(new Color(img.getRGB(img.getWidth() * 7 / 10, img.getHeight() / 2 + 60)));
  }

  @Test
  void aSmallFractionIsVisiblyShadedOnAFittedScale() {
    double fitted = rightCellLuminance(HeatMap.fittedMax(0.08, 1));
    double full = rightCellLuminance(1);
    // 8% on 0..1 is all but white (what the issue saw); on 0..0.1 it is most of the way to blue
    assertAll(
        () -> assertTrue(full > 0.85, "0.08 on 0..1: luminance " + full),
        () -> assertTrue(fitted < 0.4, "0.08 on 0..0.1: luminance " + fitted));
  }
}
