package dev.depthlab.plot;

import dev.depthlab.common.UserError;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes frames as a looping animated GIF with the JDK's own GIF writer (no extra library: the
 * writer needs only the frame delay and the NETSCAPE2.0 loop block in its metadata). Frames are
 * mapped to one shared 256-colour palette first: the writer would otherwise build a palette per
 * frame, several times slower and larger.
 */
public final class AnimatedGif {
  private AnimatedGif() {}

  /**
   * Writes {@code frames} to {@code target} atomically, each shown {@code delayMs} (GIF counts in
   * hundredths), the last one {@code lastDelayMs}, looping forever.
   */
  public static void write(List<BufferedImage> frames, int delayMs, int lastDelayMs, Path target) {
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("a GIF needs at least one frame");
    }
    IndexColorModel palette = palette(frames);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      for (int i = 0; i < frames.size(); i++) {
        BufferedImage f = indexed(frames.get(i), palette);
        int delay = i == frames.size() - 1 ? lastDelayMs : delayMs;
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata meta =
            writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(f), param);
        frameMetadata(meta, delay, i == 0, palette);
        writer.writeToSequence(new IIOImage(f, null, meta), param);
      }
      writer.endWriteSequence();
    } catch (IOException e) {
      throw new UserError("cannot write " + target + ": " + e.getMessage(), UserError.FAILURE);
    } finally {
      writer.dispose();
    }
    try {
      Files.createDirectories(target.getParent());
      PaintedFigure.place(bytes.toByteArray(), target);
    } catch (IOException e) {
      throw new UserError("cannot write " + target + ": " + e.getMessage(), UserError.FAILURE);
    }
  }

  /**
   * The frames' most frequent colours (sampled from the first, middle and last frame: backgrounds,
   * lines, the colour scale) and a 4x4x4 cube for anything else, 256 entries in all.
   */
  static IndexColorModel palette(List<BufferedImage> frames) {
    Map<Integer, Integer> counts = new HashMap<>();
    for (int i : new int[] {0, frames.size() / 2, frames.size() - 1}) {
      BufferedImage f = frames.get(i);
      for (int y = 0; y < f.getHeight(); y++) {
        for (int x = 0; x < f.getWidth(); x++) {
          counts.merge(f.getRGB(x, y) & 0xFFFFFF, 1, Integer::sum);
        }
      }
    }
    List<Integer> colours = new ArrayList<>(counts.keySet());
    colours.sort((a, b) -> Integer.compare(counts.get(b), counts.get(a)));
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    int n = 0;
    for (int cr = 0; cr < 4; cr++) {
      for (int cg = 0; cg < 4; cg++) {
        for (int cb = 0; cb < 4; cb++) {
          r[n] = (byte) (cr * 255 / 3);
          g[n] = (byte) (cg * 255 / 3);
          b[n++] = (byte) (cb * 255 / 3);
        }
      }
    }
    for (int k = 0; k < colours.size() && n < 256; k++) {
      int c = colours.get(k);
      r[n] = (byte) (c >> 16);
      g[n] = (byte) (c >> 8);
      b[n++] = (byte) c;
    }
    return new IndexColorModel(8, n, r, g, b);
  }

  /** The frame in the palette, each colour mapped to its nearest entry (no dithering). */
  private static BufferedImage indexed(BufferedImage f, IndexColorModel palette) {
    BufferedImage out =
        new BufferedImage(f.getWidth(), f.getHeight(), BufferedImage.TYPE_BYTE_INDEXED, palette);
    WritableRaster raster = out.getRaster();
    int size = palette.getMapSize();
    int[] pr = new int[size];
    int[] pg = new int[size];
    int[] pb = new int[size];
    for (int k = 0; k < size; k++) {
      pr[k] = palette.getRed(k);
      pg[k] = palette.getGreen(k);
      pb[k] = palette.getBlue(k);
    }
    Map<Integer, Integer> nearest = new HashMap<>();
    for (int y = 0; y < f.getHeight(); y++) {
      for (int x = 0; x < f.getWidth(); x++) {
        int c = f.getRGB(x, y) & 0xFFFFFF;
        Integer k = nearest.get(c);
        if (k == null) {
          int best = 0;
          long bestD = Long.MAX_VALUE;
          int cr = c >> 16;
          int cg = (c >> 8) & 0xFF;
          int cb = c & 0xFF;
          for (int j = 0; j < size; j++) {
            long d =
                (long) (cr - pr[j]) * (cr - pr[j])
                    + (long) (cg - pg[j]) * (cg - pg[j])
                    + (long) (cb - pb[j]) * (cb - pb[j]);
            if (d < bestD) {
              bestD = d;
              best = j;
            }
          }
          k = best;
          nearest.put(c, k);
        }
        raster.setSample(x, y, 0, k);
      }
    }
    return out;
  }

  private static void frameMetadata(
      IIOMetadata meta, int delayMs, boolean first, IndexColorModel palette) throws IOException {
    String format = meta.getNativeMetadataFormatName();
    IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
    // the palette as each frame's local colour table: left to itself the writer pairs the frame's
    // indices with a default table of its own
    IIOMetadataNode table = child(root, "LocalColorTable");
    while (table.getLength() > 0) {
      table.removeChild(table.getFirstChild());
    }
    table.setAttribute("sizeOfLocalColorTable", "256");
    table.setAttribute("sortFlag", "FALSE");
    for (int k = 0; k < 256; k++) {
      IIOMetadataNode e = new IIOMetadataNode("ColorTableEntry");
      boolean used = k < palette.getMapSize();
      e.setAttribute("index", Integer.toString(k));
      e.setAttribute("red", Integer.toString(used ? palette.getRed(k) : 0));
      e.setAttribute("green", Integer.toString(used ? palette.getGreen(k) : 0));
      e.setAttribute("blue", Integer.toString(used ? palette.getBlue(k) : 0));
      table.appendChild(e);
    }
    IIOMetadataNode gce = child(root, "GraphicControlExtension");
    gce.setAttribute("disposalMethod", "none");
    gce.setAttribute("userInputFlag", "FALSE");
    gce.setAttribute("transparentColorFlag", "FALSE");
    gce.setAttribute("delayTime", Integer.toString(Math.max(1, delayMs / 10)));
    gce.setAttribute("transparentColorIndex", "0");
    if (first) {
      // loop forever: the application extension browsers read (count 0 = infinite)
      IIOMetadataNode apps = child(root, "ApplicationExtensions");
      IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
      app.setAttribute("applicationID", "NETSCAPE");
      app.setAttribute("authenticationCode", "2.0");
      app.setUserObject(new byte[] {0x1, 0, 0});
      apps.appendChild(app);
    }
    meta.setFromTree(format, root);
  }

  private static IIOMetadataNode child(IIOMetadataNode root, String name) {
    for (int i = 0; i < root.getLength(); i++) {
      if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
        return (IIOMetadataNode) root.item(i);
      }
    }
    IIOMetadataNode node = new IIOMetadataNode(name);
    root.appendChild(node);
    return node;
  }
}
