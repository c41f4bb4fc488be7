import { expect } from 'chai';
import { checkFacetFields, FACET_BOUND, tallyFacets } from '../../../src/domain/opportunity/facets.js';
import {
  checkRadiusKm,
  chordKm,
  EARTH_RADIUS_KM,
  greatCircleKm,
  greatCircleKmOfChord,
  parsePoint,
} from '../../../src/domain/opportunity/nearby.js';

describe('Nearby rules', () => {
  it('accepts a radius above 0 and at most 500 km, refusing the rest with the bounds named', () => {
    expect(checkRadiusKm(0.5)).to.deep.equal({ ok: true, value: 0.5 });
    expect(checkRadiusKm(500)).to.deep.equal({ ok: true, value: 500 });
    for (const bad of [0, -1, 500.001, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(checkRadiusKm(bad)).to.deep.equal({ ok: false, message: 'must be a number above 0 and at most 500' });
    }
  });

  it('reads lat,lng in decimal degrees within range, with one optional space, and -0 as 0', () => {
    expect(parsePoint('48.8566,2.3522')).to.deep.equal({ ok: true, value: { lat: 48.8566, lng: 2.3522 } });
    expect(parsePoint('-90, 180')).to.deep.equal({ ok: true, value: { lat: -90, lng: 180 } });
    expect(parsePoint('90.0,-180.00')).to.deep.equal({ ok: true, value: { lat: 90, lng: -180 } });
    const zero = parsePoint('-0,-0');
    expect(zero.ok && Object.is(zero.value.lat, 0) && Object.is(zero.value.lng, 0)).to.equal(true);
    for (const bad of ['90.1,0', '0,180.5', '91,0', 'abc', '1,2,3', '1;2', ' 1,2', '1,  2', '', '1e1,2', 'NaN,0']) {
      const result = parsePoint(bad);
      expect(result.ok, bad).to.equal(false);
      if (!result.ok) expect(result.message).to.contain('lat from -90 to 90 and lng from -180 to 180');
    }
  });

  it('measures the great circle on the sphere of earthdistance: poles, antimeridian, a quarter turn', () => {
    const quarter = (Math.PI / 2) * EARTH_RADIUS_KM;
    expect(greatCircleKm({ lat: 0, lng: 0 }, { lat: 90, lng: 0 })).to.be.closeTo(quarter, 1e-6);
    expect(greatCircleKm({ lat: 0, lng: 0 }, { lat: 0, lng: 90 })).to.be.closeTo(quarter, 1e-6);
    expect(greatCircleKm({ lat: 0, lng: 179.5 }, { lat: 0, lng: -179.5 })).to.be.closeTo(quarter / 90, 1e-6);
    expect(greatCircleKm({ lat: 90, lng: 0 }, { lat: 90, lng: 123 })).to.be.closeTo(0, 1e-6);
    expect(greatCircleKm({ lat: 0, lng: 0 }, { lat: 0, lng: 180 })).to.be.closeTo(2 * quarter, 1e-6);
    expect(chordKm({ lat: 0, lng: 0 }, { lat: 0, lng: 180 })).to.be.closeTo(2 * EARTH_RADIUS_KM, 1e-6);
    expect(greatCircleKmOfChord(3 * EARTH_RADIUS_KM)).to.be.closeTo(2 * quarter, 1e-6);
  });
});

describe('Facet rules', () => {
  it('takes distinct known fields in the order of the fields, refusing unknown or repeated names', () => {
    expect(checkFacetFields('status,category')).to.deep.equal({ ok: true, value: ['category', 'status'] });
    expect(checkFacetFields('category')).to.deep.equal({ ok: true, value: ['category'] });
    for (const bad of ['category,category', 'colour', 'category,', '']) {
      expect(checkFacetFields(bad)).to.deep.equal({
        ok: false,
        message: 'must be distinct names among: category, status',
      });
    }
  });

  it('adds the groups per value of each asked field, exact up to the bound', () => {
    const groups = [
      { category: 'tech', status: 'open', n: 2 },
      { category: 'tech', status: 'closed', n: 3 },
      { category: 'arts', status: 'open', n: 4 },
    ];
    expect(tallyFacets(['category', 'status'], groups, 9)).to.deep.equal({
      counts: { category: { tech: 5, arts: 4 }, status: { open: 6, closed: 3 } },
      exact: true,
    });
    expect(tallyFacets(['status'], groups, FACET_BOUND)).to.deep.equal({
      counts: { status: { open: 6, closed: 3 } },
      exact: true,
    });
    expect(tallyFacets(['status'], groups, FACET_BOUND + 1).exact).to.equal(false);
    expect(tallyFacets(['category'], groups, 3, 2).exact).to.equal(false);
  });
});
