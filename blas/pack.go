package blas

// packB copies the kb x nb block of op(B) starting at row pc, column jc
// into dst as ceil(nb/nr) panels of kb rows by nr columns, panel after
// panel, each row of a panel contiguous; columns past nb are zero.
func packB(dst []float32, transB bool, b []float32, ldb, pc, kb, jc, nb int) {
	for j0 := 0; j0 < nb; j0 += nr {
		w := min(nr, nb-j0)
		panel := dst[j0*kb : j0*kb+kb*nr]
		if !transB {
			// op(B)[p][j] = b[p*ldb+j]: each panel row is a contiguous copy.
			src := b[pc*ldb+jc+j0:]
			if w == nr {
				src = src[:(kb-1)*ldb+nr]
				if packBNFast != nil {
					packBNFast(kb, src, ldb, panel)
					continue
				}
				for p := 0; p < kb; p++ {
					copy(panel[p*nr:p*nr+nr], src[p*ldb:p*ldb+nr])
				}
				continue
			}
			for p := 0; p < kb; p++ {
				row := panel[p*nr : p*nr+nr]
				copy(row, src[p*ldb:p*ldb+w])
				clear(row[w:])
			}
			continue
		}
		// op(B)[p][j] = b[j*ldb+p]: read rows of B, write strided.
		p0 := 0
		if w == nr && packBTFast != nil && kb >= 8 {
			src := b[(jc+j0)*ldb+pc:]
			src = src[:(nr-1)*ldb+kb]
			packBTFast(kb/8, src, ldb, panel)
			p0 = kb &^ 7
		}
		for jj := 0; jj < w; jj++ {
			src := b[(jc+j0+jj)*ldb+pc:]
			src = src[:kb]
			for p := p0; p < kb; p++ {
				panel[p*nr+jj] = src[p]
			}
		}
		if w < nr {
			for p := 0; p < kb; p++ {
				clear(panel[p*nr+w : p*nr+nr])
			}
		}
	}
}

// packA copies the mb x kb block of op(A) starting at row ic, column pc
// into dst as ceil(mb/mr) slivers of kb columns by mr rows, each column of
// a sliver contiguous (element (i, p) of sliver s at s*kb*mr + p*mr + i);
// rows past mb are zero.
func packA(dst []float32, transA bool, a []float32, lda, ic, mb, pc, kb int) {
	for i0 := 0; i0 < mb; i0 += mr {
		h := min(mr, mb-i0)
		sl := dst[i0*kb : i0*kb+kb*mr]
		if transA {
			// op(A)[i][p] = a[p*lda+i]: each sliver column is contiguous.
			src := a[pc*lda+ic+i0:]
			if h == mr {
				src = src[:(kb-1)*lda+mr]
				if packATFast != nil {
					packATFast(kb, src, lda, sl)
					continue
				}
				for p := 0; p < kb; p++ {
					d, s := sl[p*mr:p*mr+mr], src[p*lda:p*lda+mr]
					d[0], d[1], d[2], d[3], d[4], d[5] = s[0], s[1], s[2], s[3], s[4], s[5]
				}
				continue
			}
			for p := 0; p < kb; p++ {
				col := sl[p*mr : p*mr+mr]
				copy(col, src[p*lda:p*lda+h])
				clear(col[h:])
			}
			continue
		}
		// op(A)[i][p] = a[i*lda+p]: read rows of A, write strided.
		for ii := 0; ii < h; ii++ {
			src := a[(ic+i0+ii)*lda+pc:]
			src = src[:kb]
			for p, v := range src {
				sl[p*mr+ii] = v
			}
		}
		if h < mr {
			for p := 0; p < kb; p++ {
				clear(sl[p*mr+h : p*mr+mr])
			}
		}
	}
}
