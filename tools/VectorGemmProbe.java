import jdk.incubator.vector.*;
/**
 * Probe for issue 11 (not part of the build): one dense layer z = b + a W at a given width and row
 * count, as the CPU path sums it today (8 outputs in scalar registers), as a plain axpy loop, and with
 * the incubating Vector API (4 rows x 2 vectors in registers; mul then add, and fma). Prints GFLOP/s
 * and whether each result has the same bits as the scalar order. Compile, then run pinned to one
 * core (the single-file source launcher runs it 5-8x slower here: measure compiled classes only):
 *   javac --add-modules jdk.incubator.vector -d /tmp/probe tools/VectorGemmProbe.java
 *   taskset -c 0 java --add-modules jdk.incubator.vector -cp /tmp/probe VectorGemmProbe WIDTH ROWS
 */
public class VectorGemmProbe {
  static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  // z[rows x out] = b + a[rows x in] * w[in x out], summation over i increasing (as Dense64)
  static void blocked8(double[] a, int rows, int in, double[] w, int out, double[] b, double[] z) {
    for (int s = 0; s < rows; s++) {
      int ao = s * in, zo = s * out;
      for (int j = 0; j < out; j += 8) {
        double c0=b[j],c1=b[j+1],c2=b[j+2],c3=b[j+3],c4=b[j+4],c5=b[j+5],c6=b[j+6],c7=b[j+7];
        for (int i = 0; i < in; i++) { double av = a[ao+i]; int wo = i*out+j;
          c0+=av*w[wo];c1+=av*w[wo+1];c2+=av*w[wo+2];c3+=av*w[wo+3];c4+=av*w[wo+4];c5+=av*w[wo+5];c6+=av*w[wo+6];c7+=av*w[wo+7]; }
        z[zo+j]=c0;z[zo+j+1]=c1;z[zo+j+2]=c2;z[zo+j+3]=c3;z[zo+j+4]=c4;z[zo+j+5]=c5;z[zo+j+6]=c6;z[zo+j+7]=c7;
      }
    }
  }
  static void axpy(double[] a, int rows, int in, double[] w, int out, double[] b, double[] z) {
    for (int s = 0; s < rows; s++) {
      int ao = s * in, zo = s * out;
      System.arraycopy(b, 0, z, zo, out);
      for (int i = 0; i < in; i++) { double av = a[ao+i]; int wo = i*out;
        for (int j = 0; j < out; j++) z[zo+j] += av * w[wo+j]; }
    }
  }
  // vector: 4 rows x (2 vectors) register block, mul then add (no fma: same rounding as scalar)
  static void vec(double[] a, int rows, int in, double[] w, int out, double[] b, double[] z, boolean fma) {
    int L = S.length();
    for (int s = 0; s < rows; s += 4) {
      for (int j = 0; j < out; j += 2*L) {
        DoubleVector b0 = DoubleVector.fromArray(S, b, j), b1 = DoubleVector.fromArray(S, b, j+L);
        DoubleVector c00=b0,c01=b1,c10=b0,c11=b1,c20=b0,c21=b1,c30=b0,c31=b1;
        for (int i = 0; i < in; i++) {
          DoubleVector w0 = DoubleVector.fromArray(S, w, i*out+j), w1 = DoubleVector.fromArray(S, w, i*out+j+L);
          DoubleVector a0 = DoubleVector.broadcast(S, a[s*in+i]), a1 = DoubleVector.broadcast(S, a[(s+1)*in+i]);
          DoubleVector a2 = DoubleVector.broadcast(S, a[(s+2)*in+i]), a3 = DoubleVector.broadcast(S, a[(s+3)*in+i]);
          if (fma) { c00=w0.fma(a0,c00);c01=w1.fma(a0,c01);c10=w0.fma(a1,c10);c11=w1.fma(a1,c11);c20=w0.fma(a2,c20);c21=w1.fma(a2,c21);c30=w0.fma(a3,c30);c31=w1.fma(a3,c31);}
          else { c00=c00.add(w0.mul(a0));c01=c01.add(w1.mul(a0));c10=c10.add(w0.mul(a1));c11=c11.add(w1.mul(a1));c20=c20.add(w0.mul(a2));c21=c21.add(w1.mul(a2));c30=c30.add(w0.mul(a3));c31=c31.add(w1.mul(a3));}
        }
        c00.intoArray(z,s*out+j);c01.intoArray(z,s*out+j+L);c10.intoArray(z,(s+1)*out+j);c11.intoArray(z,(s+1)*out+j+L);
        c20.intoArray(z,(s+2)*out+j);c21.intoArray(z,(s+2)*out+j+L);c30.intoArray(z,(s+3)*out+j);c31.intoArray(z,(s+3)*out+j+L);
      }
    }
  }
  public static void main(String[] x) {
    int n = Integer.parseInt(x[0]); int rows = Integer.parseInt(x[1]);
    double[] a = new double[rows*n], w = new double[n*n], b = new double[n], z1 = new double[rows*n], z2 = new double[rows*n], z3=new double[rows*n], z4=new double[rows*n];
    java.util.Random r = new java.util.Random(1);
    for (int i=0;i<a.length;i++)a[i]=r.nextGaussian(); for (int i=0;i<w.length;i++)w[i]=r.nextGaussian(); for(int i=0;i<n;i++)b[i]=r.nextGaussian();
    System.out.println("lanes " + S.length());
    for (int rep = 0; rep < 3; rep++) {
      long t; int it = Math.max(3, (int)(2e9/(2.0*rows*n*n)));
      t=System.nanoTime(); for(int k=0;k<it;k++) blocked8(a,rows,n,w,n,b,z1); double t1=(System.nanoTime()-t)/1e9/it;
      t=System.nanoTime(); for(int k=0;k<it;k++) axpy(a,rows,n,w,n,b,z2); double t2=(System.nanoTime()-t)/1e9/it;
      t=System.nanoTime(); for(int k=0;k<it;k++) vec(a,rows,n,w,n,b,z3,false); double t3=(System.nanoTime()-t)/1e9/it;
      t=System.nanoTime(); for(int k=0;k<it;k++) vec(a,rows,n,w,n,b,z4,true); double t4=(System.nanoTime()-t)/1e9/it;
      double f = 2.0*rows*n*n/1e9;
      System.out.printf("n=%d GFLOP/s blocked8 %.1f axpy %.1f vec-muladd %.1f vec-fma %.1f | same bits axpy %b vec %b%n", n, f/t1, f/t2, f/t3, f/t4, java.util.Arrays.equals(z1,z2), java.util.Arrays.equals(z1,z3));
    }
  }
}
