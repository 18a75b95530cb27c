// enum nvdimm_claim_class (include/linux/nd.h): which personality a
// namespace is meant for. holder_class shows and sets it; labels persist it
// as an abstraction GUID (drivers/nvdimm/label.c to_abstraction_guid).

export type ClaimClass = 'none' | 'btt' | 'btt2' | 'pfn' | 'dax' | 'unknown';

/** holder_class_show(): BTT v1.1 and v2.0 both read "btt". */
export const HOLDER_CLASS_NAME: Readonly<Record<ClaimClass, string>> = {
  none: '',
  btt: 'btt',
  btt2: 'btt',
  pfn: 'pfn',
  dax: 'dax',
  unknown: '<unknown>',
};

/** NVDIMM_*_GUID (label.h): the abstraction GUIDs a v1.2 label stores. */
export const CLAIM_CLASS_GUID: Readonly<Partial<Record<ClaimClass, string>>> = {
  btt: '8aed63a2-29a2-4c66-8b12-f05d15d3922a',
  btt2: '18633bfc-1735-4217-8ac9-17239282d3f8',
  pfn: '266400ba-fb9f-4677-bcb0-968f11d0d225',
  dax: '97a86d9c-3cdd-4eda-986f-5068b4f80088',
};
